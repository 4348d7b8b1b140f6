package io.patron.program.web;

import io.patron.common.FieldViolation;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.program.ActiveProgram;
import io.patron.program.ProgramDefinition;
import io.patron.program.Programs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** The programme in the admin: a form for the common settings, the raw document, versions and diffs. */
@Controller
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT','ANALYST')")
class ProgramAdminController {

    private static final String WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Programs programs;
    private final JsonMapper json;

    ProgramAdminController(Programs programs, JsonMapper json) {
        this.programs = programs;
        this.json = json;
    }

    @GetMapping("/admin/program")
    String page(Model model) {
        ActiveProgram active = programs.active();
        if (!model.containsAttribute("document")) {
            model.addAttribute("document", programs.documentJson(active.version()));
        }
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", ProgramForm.of(active.definition()));
        }
        model.addAttribute("active", active);
        model.addAttribute("versions", programs.versions(new PageRequest(0, 50)));
        return "program/index";
    }

    @PostMapping("/admin/program/form")
    @PreAuthorize(WRITE)
    String saveForm(ProgramForm form, @RequestParam(defaultValue = "") String comment,
                    @RequestParam(defaultValue = "activate") String mode, RedirectAttributes redirect) {
        try {
            ProgramDefinition current = programs.active().definition();
            String document = json.writeValueAsString(form.definition(current));
            var saved = programs.save(document, comment.isBlank() ? null : comment, "activate".equals(mode));
            redirect.addFlashAttribute("saved", saved.version());
        } catch (ProblemException e) {
            redirect.addFlashAttribute("errors", errors(e));
            redirect.addFlashAttribute("form", form);
        }
        return "redirect:/admin/program";
    }

    @PostMapping("/admin/program/document")
    @PreAuthorize(WRITE)
    String saveDocument(@RequestParam String document, @RequestParam(defaultValue = "") String comment,
                        @RequestParam(defaultValue = "activate") String mode, RedirectAttributes redirect) {
        try {
            var saved = programs.save(document, comment.isBlank() ? null : comment, "activate".equals(mode));
            redirect.addFlashAttribute("saved", saved.version());
        } catch (ProblemException e) {
            redirect.addFlashAttribute("errors", errors(e));
            redirect.addFlashAttribute("document", document);
        }
        return "redirect:/admin/program";
    }

    @PostMapping("/admin/program/versions/{version}/activate")
    @PreAuthorize(WRITE)
    String activate(@PathVariable int version, RedirectAttributes redirect) {
        programs.activate(version);
        redirect.addFlashAttribute("saved", version);
        return "redirect:/admin/program";
    }

    @GetMapping("/admin/program/diff")
    String diff(@RequestParam int from, @RequestParam int to, Model model) {
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("changes", programs.diff(from, to));
        return "program/diff";
    }

    private static List<FieldViolation> errors(ProblemException e) {
        return e.violations();
    }

    /** The common settings as the form posts them. */
    /** Kept across the redirect when the form comes back with errors (in the session, so serializable). */
    public record ProgramForm(String name, String currency, String timeZone, Long points, BigDecimal perAmount,
                              String rounding, String excludedCategories, Integer pendingDays, Integer expiryMonths,
                              BigDecimal pointValue, Integer maxSharePercent, Long minBalance) implements java.io.Serializable {

        static ProgramForm of(ProgramDefinition d) {
            return new ProgramForm(d.name(), d.currency(), d.timeZone(), d.earning().points(), d.earning().perAmount(),
                    d.earning().rounding().name(), String.join(", ", new java.util.TreeSet<>(d.earning().excludedCategories())),
                    d.earning().pendingDays(), d.earning().expiryMonths(), d.redemption().pointValue(),
                    d.redemption().maxShare().movePointRight(2).intValue(), d.redemption().minBalance());
        }

        /** The document from the form; the parts the form does not show (tiers, rules) are kept as they are. */
        ProgramDefinition definition(ProgramDefinition kept) {
            RoundingMode mode;
            try {
                mode = RoundingMode.valueOf(rounding == null ? "" : rounding);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("earning.rounding", "must be DOWN, HALF_UP or UP");
            }
            return new ProgramDefinition(name, currency == null ? null : currency.trim().toUpperCase(), timeZone,
                    new ProgramDefinition.Earning(points == null ? -1 : points, perAmount, mode,
                            new LinkedHashSet<>(Arrays.stream(excludedCategories == null ? new String[0] : excludedCategories.split(","))
                                    .map(String::trim).filter(s -> !s.isEmpty()).toList()),
                            pendingDays == null ? -1 : pendingDays, expiryMonths == null ? 0 : expiryMonths),
                    new ProgramDefinition.Redemption(pointValue,
                            maxSharePercent == null ? null : BigDecimal.valueOf(maxSharePercent).movePointLeft(2),
                            minBalance == null ? -1 : minBalance, kept.redemption() == null ? null : kept.redemption().verification()), kept.tiers(), kept.rules(), kept.referral(), kept.till(), kept.fraud());
        }
    }
}
