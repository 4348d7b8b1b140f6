package io.patron.draws.web;

import io.patron.common.ProblemException;
import io.patron.draws.Draws;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Draws in the admin: the list, a form for a new draw, and per draw closing, drawing and prize hand-over. */
@Controller
@RequestMapping("/admin/draws")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')")
class DrawAdminController {

    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Draws draws;

    DrawAdminController(Draws draws) {
        this.draws = draws;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("draws", draws.list(100));
        return "draws/admin";
    }

    /** The form: dates are days in the given time zone (entries close at the start of the day after {@code to}); prizes one a line, "2 x Name". */
    record DrawForm(String code, String name, LocalDate from, LocalDate to, String zone, String prizes, Integer maxTickets,
                    Boolean allowMultipleWins, Boolean autoDraw, String segment, String tiers, String stores) {
        Draws.DrawRequest request() {
            ZoneId z;
            try {
                z = ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone.trim());
            } catch (java.time.DateTimeException e) {
                throw ProblemException.invalid("zone", "a time zone such as Europe/Moscow");
            }
            List<Draws.Prize> list = new ArrayList<>();
            for (String line : (prizes == null ? "" : prizes).split("\\R")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split("\\s*[x×]\\s*", 2);
                try {
                    list.add(parts.length == 2 ? new Draws.Prize(parts[1], Integer.parseInt(parts[0])) : new Draws.Prize(line.trim(), 1));
                } catch (NumberFormatException e) {
                    list.add(new Draws.Prize(line.trim(), 1));
                }
            }
            return new Draws.DrawRequest(code, null, false, name, from == null ? null : from.atStartOfDay(z).toOffsetDateTime(),
                    to == null ? null : to.plusDays(1).atStartOfDay(z).toOffsetDateTime(), maxTickets, allowMultipleWins, autoDraw, list,
                    new Draws.Eligibility(segment, split(tiers), split(stores)));
        }

        private static List<String> split(String value) {
            return value == null ? List.of() : java.util.Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    @PostMapping
    @PreAuthorize(WRITE)
    String create(DrawForm form, Model model) {
        try {
            return "redirect:/admin/draws/" + draws.create(form.request()).id();
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            return list(model);
        }
    }

    @GetMapping("/{id}")
    String page(@PathVariable long id, Model model) {
        model.addAttribute("draw", draws.get(id));
        return "draws/page";
    }

    @PostMapping("/{id}/close")
    @PreAuthorize(WRITE)
    String close(@PathVariable long id, RedirectAttributes redirect) {
        return act(id, redirect, () -> draws.close(id));
    }

    @PostMapping("/{id}/draw")
    @PreAuthorize(WRITE)
    String draw(@PathVariable long id, RedirectAttributes redirect) {
        return act(id, redirect, () -> draws.draw(id));
    }

    @PostMapping("/{id}/winners/{slot}/hand-over")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    String handOver(@PathVariable long id, @PathVariable int slot, RedirectAttributes redirect) {
        return act(id, redirect, () -> draws.handOver(id, slot));
    }

    private String act(long id, RedirectAttributes redirect, Runnable action) {
        try {
            action.run();
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/admin/draws/" + id;
    }
}
