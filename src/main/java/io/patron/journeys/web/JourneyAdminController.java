package io.patron.journeys.web;

import io.patron.common.Language;
import io.patron.common.ProblemException;
import io.patron.journeys.Journey;
import io.patron.journeys.Journeys;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.messaging.MailComposer;
import io.patron.messaging.MailTemplates;
import io.patron.messaging.Mailer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Optional;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Journeys and mail templates in the admin: switch each journey on or off with its numbers, edit a
 * mail's subject and bodies per language with a preview, and a member's delivery log.
 */
@Controller
@RequestMapping("/admin/journeys")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
class JourneyAdminController {

    private final Journeys journeys;
    private final MailTemplates templates;
    private final MailComposer composer;
    private final Mailer mailer;
    private final Members members;
    private final io.patron.journeys.ProgrammeHoldout holdout;

    JourneyAdminController(Journeys journeys, MailTemplates templates, MailComposer composer, Mailer mailer, Members members,
                           io.patron.journeys.ProgrammeHoldout holdout) {
        this.journeys = journeys;
        this.holdout = holdout;
        this.templates = templates;
        this.composer = composer;
        this.mailer = mailer;
        this.members = members;
    }

    @GetMapping
    String page(Model model) {
        model.addAttribute("settings", journeys.settings());
        model.addAttribute("counts", journeys.counts(30));
        model.addAttribute("edited", templates.list());
        model.addAttribute("mailNames", mailNames());
        model.addAttribute("languages", Language.values());
        model.addAttribute("programmeHoldout", holdout.percent());
        return "journeys/admin";
    }

    private List<String> mailNames() {
        List<String> names = new ArrayList<>(Arrays.stream(Journey.values()).map(Journey::mailName).toList());
        templates.names().stream().filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    @PostMapping("/{kind}")
    String update(@PathVariable String kind, @RequestParam(defaultValue = "false") boolean enabled, @RequestParam(defaultValue = "0") int days,
                  @RequestParam(defaultValue = "0") int periodDays, @RequestParam(required = false) String couponCampaign,
                  @RequestParam(defaultValue = "0") int holdoutPercent, RedirectAttributes redirect) {
        try {
            journeys.update(Journey.parse(kind), enabled, days, periodDays, couponCampaign, holdoutPercent);
            redirect.addFlashAttribute("notice", "journeys.saved");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.violations().get(0).field() + ": " + e.violations().get(0).message());
        }
        return "redirect:/admin/journeys";
    }

    @PostMapping("/programme-holdout")
    String programmeHoldout(@RequestParam(defaultValue = "0") int percent, RedirectAttributes redirect) {
        try {
            holdout.update(percent);
            redirect.addFlashAttribute("notice", "journeys.saved");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.violations().get(0).field() + ": " + e.violations().get(0).message());
        }
        return "redirect:/admin/journeys";
    }

    /**
     * The editor of one mail in one language. It edits the template's source — the edited one, or the
     * built-in one written out with its placeholders — never a rendered mail; beside it, the mail as a
     * chosen member (or a sample member) would receive it.
     */
    @GetMapping("/templates")
    String editor(@RequestParam String name, @RequestParam String language, @RequestParam(required = false) Long member, Model model) {
        Language lang = Language.parse(language).orElseThrow(() -> ProblemException.invalid("language", "en, ru, ro or hy"));
        return editorPage(name, lang, source(name, lang), member, model);
    }

    private MailComposer.Source source(String name, Language lang) {
        if (templates.find(name, lang).isEmpty() && Arrays.stream(Journey.values()).noneMatch(j -> j.mailName().equals(name))) {
            // A new template of its own (for newsletters): nothing built in to start from.
            return new MailComposer.Source("", "", "");
        }
        return composer.source(name, lang);
    }

    private String editorPage(String name, Language lang, MailComposer.Source source, Long member, Model model) {
        model.addAttribute("name", name);
        model.addAttribute("language", lang);
        model.addAttribute("edited", templates.find(name, lang).isPresent());
        model.addAttribute("subject", source.subject());
        model.addAttribute("text", source.text());
        model.addAttribute("html", source.html() == null ? "" : source.html());
        model.addAttribute("variables", MailTemplates.VARIABLES);
        model.addAttribute("member", member);
        model.addAttribute("previewDoc", previewDoc(name, lang, source, member));
        return "journeys/template";
    }

    /** The preview as a whole document for a sandboxed iframe's srcdoc (an edited HTML body never runs in the admin page). */
    private String previewDoc(String name, Language lang, MailComposer.Source source, Long memberId) {
        Optional<Member> member = memberId == null ? Optional.empty() : members.find(new MemberId(memberId));
        MailComposer.Variables vars = member.map(journeys::previewVariables).orElseGet(() -> new MailComposer.Variables("Anna",
                "2000000000015", "1250", "Gold", "GIFT-7KQ2-ABCD", journeys.portalLink(), "2027-03-01"));
        var mail = composer.render(source, name, lang, member.map(Member::id).orElse(new MemberId(0)), "member@example.org", vars, true);
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif\"><p><strong>"
                + org.springframework.web.util.HtmlUtils.htmlEscape(mail.subject()) + "</strong></p><pre style=\"white-space:pre-wrap\">"
                + org.springframework.web.util.HtmlUtils.htmlEscape(mail.text()) + "</pre><hr>" + mail.html() + "</body></html>";
    }

    /** Saves the source, deletes the edited template (back to the built-in one), or previews the form's source unsaved. */
    @PostMapping("/templates")
    String save(@RequestParam String name, @RequestParam String language, @RequestParam String subject, @RequestParam String text,
                @RequestParam(required = false) String html, @RequestParam(defaultValue = "save") String action,
                @RequestParam(required = false) Long member, Model model, RedirectAttributes redirect) {
        Language lang = Language.parse(language).orElseThrow(() -> ProblemException.invalid("language", "en, ru, ro or hy"));
        MailComposer.Source form = new MailComposer.Source(subject, text, html);
        try {
            if ("delete".equals(action)) {
                templates.delete(name, lang);
                redirect.addFlashAttribute("notice", "journeys.template.deleted");
                return "redirect:/admin/journeys";
            }
            if ("preview".equals(action)) {
                templates.check(subject, text, html);
                return editorPage(name, lang, form, member, model);
            }
            templates.save(name, lang, subject, text, html);
            redirect.addFlashAttribute("notice", "journeys.saved");
            return "redirect:/admin/journeys/templates?name=" + name + "&language=" + lang.name() + (member == null ? "" : "&member=" + member);
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            return editorPage(name, lang, new MailComposer.Source(subject, text, html), null, model);
        }
    }

    /** A member's delivery log: every journey occurrence and every mail, with its state. */
    @GetMapping("/members/{id}")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
    String deliveries(@PathVariable long id, Model model) {
        model.addAttribute("member", members.get(new MemberId(id)));
        model.addAttribute("sends", journeys.sends(new MemberId(id), 200));
        model.addAttribute("mails", mailer.forMember(new MemberId(id), 200));
        return "journeys/member";
    }
}
