package io.patron.sms.web;

import io.patron.common.Language;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.sms.SmsChannel;
import io.patron.sms.SmsTemplates;
import io.patron.sms.SmsText;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The SMS pages: every text message with its parts, cost and delivery state (support and admins), and
 * the texts per kind and language (marketers), edited with the encoding and parts counted as typed.
 */
@Controller
class SmsAdminController {

    private final SmsChannel channel;
    private final SmsTemplates templates;

    SmsAdminController(SmsChannel channel, SmsTemplates templates) {
        this.channel = channel;
        this.templates = templates;
    }

    @GetMapping("/admin/sms")
    @PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
    String outbox(@RequestParam(defaultValue = "") String recipient, @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("page", channel.outbox(new PageRequest(Math.max(0, page), 50), recipient.length() > 32 ? "" : recipient));
        model.addAttribute("recipient", recipient);
        model.addAttribute("enabled", channel.enabled());
        model.addAttribute("spend", channel.spend(30));
        return "sms/outbox";
    }

    /** One row per kind and language, saying whether a marketer's text replaces the built-in one. */
    public record TemplateRow(String kind, Language language, boolean edited, SmsText.Segments segments) {
    }

    @GetMapping("/admin/sms/templates")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    String templates(Model model) {
        List<TemplateRow> rows = new ArrayList<>();
        for (String kind : SmsTemplates.KINDS.keySet()) {
            for (Language language : Language.values()) {
                SmsTemplates.Template t = templates.source(kind, language);
                rows.add(new TemplateRow(kind, language, t.edited(), SmsText.segments(SmsTemplates.fill(t.body(), SmsTemplates.sample(kind)))));
            }
        }
        model.addAttribute("rows", rows);
        return "sms/templates";
    }

    @GetMapping("/admin/sms/templates/{kind}/{language}")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    String editor(@PathVariable String kind, @PathVariable String language, Model model) {
        Language lang = language(language);
        return editorPage(kind, lang, templates.source(kind, lang).body(), model);
    }

    @PostMapping("/admin/sms/templates/{kind}/{language}")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    String save(@PathVariable String kind, @PathVariable String language, @RequestParam(required = false) String body,
                @RequestParam(defaultValue = "save") String action, Model model, RedirectAttributes redirect) {
        Language lang = language(language);
        try {
            if ("reset".equals(action)) {
                templates.reset(kind, lang);
                redirect.addFlashAttribute("notice", "sms.template.reset");
            } else {
                templates.save(kind, lang, body);
                redirect.addFlashAttribute("notice", "sms.template.saved");
            }
            return "redirect:/admin/sms/templates/" + kind + "/" + lang.name();
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            return editorPage(kind, lang, body == null ? "" : body, model);
        }
    }

    private String editorPage(String kind, Language language, String body, Model model) {
        SmsTemplates.Template saved = templates.source(kind, language);
        model.addAttribute("kind", kind);
        model.addAttribute("language", language.name());
        model.addAttribute("edited", saved.edited());
        model.addAttribute("body", body);
        model.addAttribute("variables", SmsTemplates.KINDS.get(kind));
        String filled = SmsTemplates.fill(body, SmsTemplates.sample(kind));
        model.addAttribute("sample", filled);
        model.addAttribute("segments", SmsText.segments(filled));
        model.addAttribute("costPerPart", channel.costPerPart());
        return "sms/template";
    }

    private static Language language(String value) {
        return Language.parse(value).orElseThrow(() -> ProblemException.notFound("SMS_TEMPLATE_NOT_FOUND", "No such language."));
    }
}
