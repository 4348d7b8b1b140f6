package io.patron.journeys.web;

import io.patron.common.ProblemException;
import io.patron.journeys.Newsletters;
import io.patron.messaging.MailTemplates;
import io.patron.segments.Segments;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Newsletters in the admin: the list, a new one with its audience counted before sending, cancelling a scheduled one. */
@Controller
@RequestMapping("/admin/newsletters")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
class NewsletterAdminController {

    private final Newsletters newsletters;
    private final MailTemplates templates;
    private final Segments segments;

    NewsletterAdminController(Newsletters newsletters, MailTemplates templates, Segments segments) {
        this.newsletters = newsletters;
        this.templates = templates;
        this.segments = segments;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("newsletters", newsletters.list(100));
        model.addAttribute("templates", templates.names());
        model.addAttribute("segments", segments.list());
        return "journeys/newsletters";
    }

    /** The audience of a segment, for the form's live count (htmx). */
    @GetMapping("/count")
    @ResponseBody
    String count(@RequestParam(required = false) String segment) {
        try {
            return String.valueOf(newsletters.audience(segment));
        } catch (ProblemException e) {
            return "—";
        }
    }

    @PostMapping
    String create(@RequestParam String name, @RequestParam String template, @RequestParam(required = false) String segment,
                  @RequestParam(defaultValue = "0") int holdoutPercent,
                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime sendAt,
                  @RequestParam(defaultValue = "Europe/Moscow") String zone, Model model, RedirectAttributes redirect) {
        try {
            ZoneId z;
            try {
                z = ZoneId.of(zone);
            } catch (java.time.DateTimeException e) {
                throw ProblemException.invalid("zone", "a time zone such as Europe/Moscow");
            }
            newsletters.create(name, template, segment, holdoutPercent, sendAt == null ? null : sendAt.atZone(z).toOffsetDateTime());
            redirect.addFlashAttribute("notice", "newsletters.scheduled");
            return "redirect:/admin/newsletters";
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            return list(model);
        }
    }

    @PostMapping("/{id}/cancel")
    String cancel(@PathVariable long id, RedirectAttributes redirect) {
        try {
            newsletters.cancel(id);
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/admin/newsletters";
    }
}
