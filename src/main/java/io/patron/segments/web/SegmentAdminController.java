package io.patron.segments.web;

import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.segments.Segment;
import io.patron.segments.SegmentDefinition;
import io.patron.segments.Segments;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Segments in the admin: the list, and an editor whose member count follows every change. */
@Controller
@RequestMapping("/admin/segments")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','ANALYST')")
class SegmentAdminController {

    private final Segments segments;

    SegmentAdminController(Segments segments) {
        this.segments = segments;
    }

    /** The editor's fields (lists comma-separated). */
    record SegmentForm(String code, String name, String languages, String categories, String emailConsent, String stores,
                       String birthMonths, Integer enrolledDaysMin, Integer enrolledDaysMax, Integer lastPurchaseDaysMin,
                       Integer lastPurchaseDaysMax, String purchasedEver, Integer windowDays, Integer purchasesMin,
                       Integer purchasesMax, BigDecimal spendMin, BigDecimal spendMax, Integer referralsMin, String tiers,
                       String rfmClasses) {

        static SegmentForm of(Segment s) {
            SegmentDefinition d = s.definition();
            return new SegmentForm(s.code(), s.name(), String.join(", ", d.languages()), String.join(", ", d.categories()),
                    d.emailConsent() == null ? "" : d.emailConsent().toString(), String.join(", ", d.stores()),
                    String.join(", ", d.birthMonths().stream().map(String::valueOf).toList()), d.enrolledDaysMin(),
                    d.enrolledDaysMax(), d.lastPurchaseDaysMin(), d.lastPurchaseDaysMax(),
                    d.purchasedEver() == null ? "" : d.purchasedEver().toString(), d.windowDays(), d.purchasesMin(),
                    d.purchasesMax(), d.spendMin(), d.spendMax(), d.referralsMin(), String.join(", ", d.tiers()),
                    String.join(", ", d.rfmClasses()));
        }

        SegmentDefinition definition() {
            List<Integer> months;
            try {
                months = split(birthMonths).stream().map(Integer::valueOf).toList();
            } catch (NumberFormatException e) {
                throw ProblemException.invalid("definition.birthMonths", "numbers 1 to 12, comma-separated");
            }
            return new SegmentDefinition(split(languages), split(categories), bool(emailConsent), split(stores), months,
                    enrolledDaysMin, enrolledDaysMax, lastPurchaseDaysMin, lastPurchaseDaysMax, bool(purchasedEver), windowDays,
                    purchasesMin, purchasesMax, spendMin, spendMax, referralsMin, split(tiers), split(rfmClasses));
        }

        private static Boolean bool(String value) {
            return value == null || value.isBlank() ? null : Boolean.valueOf(value);
        }

        private static List<String> split(String value) {
            return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("segments", segments.list());
        model.addAttribute("rfmClasses", io.patron.segments.Rfm.RfmClass.values());
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new SegmentForm("", "", "", "", "", "", "", null, null, null, null, "", 365, null, null, null,
                    null, null, "", ""));
        }
        return "segments/index";
    }

    @GetMapping("/{id}")
    String edit(@PathVariable long id, Model model) {
        Segment segment = segments.get(id);
        model.addAttribute("form", SegmentForm.of(segment));
        model.addAttribute("members", segments.members(segment.definition(), new PageRequest(0, 50)));
        return list(model);
    }

    /** The live count of the editor (a GET: counting changes nothing). */
    @GetMapping("/count")
    String count(SegmentForm form, Model model) {
        try {
            model.addAttribute("count", segments.count(form.definition()));
        } catch (ProblemException e) {
            model.addAttribute("countProblem", e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().field() + ": "
                    + e.errors().getFirst().message());
        }
        return "segments/index :: count";
    }

    @PostMapping
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    String save(SegmentForm form, Model model) {
        try {
            Segment saved = segments.save(form.code(), form.name(), form.definition());
            return "redirect:/admin/segments/" + saved.id();
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            model.addAttribute("form", form);
            return list(model);
        }
    }

    @PostMapping("/{id}/delete")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    String delete(@PathVariable long id, @RequestParam(required = false) String confirm) {
        segments.delete(id);
        return "redirect:/admin/segments";
    }
}
