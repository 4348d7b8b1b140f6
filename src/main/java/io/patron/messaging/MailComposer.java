package io.patron.messaging;

import io.patron.common.Language;
import io.patron.members.MemberId;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Renders an e-mail in the recipient's language: the subject and plain-text body from the message
 * bundles ({@code mail.<name>.subject}, {@code mail.<name>.text}), the HTML body from the Thymeleaf
 * template {@code templates/mail/<name>.html}. Both bodies get the same variables.
 */
@Component
public class MailComposer {

    private final MessageSource messages;
    private final TemplateEngine templates;
    private final MailTemplates edited;
    private final MailLinks links;

    MailComposer(MessageSource messages, TemplateEngine templates, MailTemplates edited, MailLinks links) {
        this.messages = messages;
        this.templates = templates;
        this.edited = edited;
        this.links = links;
    }

    /** What a member's mail can say about them: every template gets the same set (empty where it does not apply). */
    public record Variables(String name, String card, String balance, String tier, String coupon, String link, String extra) {

        public Variables {
            name = name == null ? "" : name;
            card = card == null ? "" : card;
            balance = balance == null ? "" : balance;
            tier = tier == null ? "" : tier;
            coupon = coupon == null ? "" : coupon;
            link = link == null ? "" : link;
            extra = extra == null ? "" : extra;
        }

        Object[] args() {
            return new Object[] {name, card, balance, tier, coupon, link, extra};
        }

        Map<String, String> map(String unsubscribe) {
            return Map.of("name", name, "card", card, "balance", balance, "tier", tier, "coupon", coupon, "link", link,
                    "extra", extra, "unsubscribe", unsubscribe);
        }
    }

    /**
     * Renders a member's mail of {@code name}: the template edited in the admin for the language if
     * there is one, else the built-in one (message bundle {@code mail.<name>.*} and the HTML layout
     * {@code mail/journey}). A marketing mail gets the unsubscribe and preferences links in its footer
     * and its one-click unsubscribe URL for the RFC 8058 headers.
     */
    public Mail composeForMember(String name, Language language, MemberId member, String recipient, Variables vars, boolean marketing) {
        var locale = language.locale();
        String unsubscribe = marketing ? links.unsubscribeUrl(member) : "";
        String preferences = links.preferencesUrl(member);
        String footerText = marketing ? "\n\n--\n" + messages.getMessage("mail.footer.text", new Object[] {unsubscribe, preferences}, locale) : "";
        var override = edited.find(name, language);
        String subject;
        String text;
        String html;
        if (override.isPresent()) {
            Map<String, String> values = vars.map(unsubscribe);
            subject = MailTemplates.fill(override.get().subject(), values, false);
            text = MailTemplates.fill(override.get().text(), values, false) + footerText;
            String body = override.get().html() != null ? MailTemplates.fill(override.get().html(), values, true)
                    : "<p>" + org.springframework.web.util.HtmlUtils.htmlEscape(MailTemplates.fill(override.get().text(), values, false))
                    .replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>";
            html = wrap(subject, body, locale, marketing, unsubscribe, preferences);
        } else {
            Object[] args = vars.args();
            subject = messages.getMessage("mail." + name + ".subject", args, locale);
            text = messages.getMessage("mail." + name + ".text", args, locale) + footerText;
            Context context = new Context(locale, Map.of("name", vars.name(), "coupon", vars.coupon(), "link", vars.link()));
            context.setVariable("subject", subject);
            context.setVariable("body", messages.getMessage("mail." + name + ".body", args, locale));
            context.setVariable("button", messages.getMessage("mail." + name + ".button", args, "", locale));
            context.setVariable("marketing", marketing);
            context.setVariable("unsubscribe", unsubscribe);
            context.setVariable("preferences", preferences);
            html = templates.process("mail/journey", context);
        }
        if (subject.length() > Mail.SUBJECT_MAX) {
            subject = subject.substring(0, Mail.SUBJECT_MAX);
        }
        return new Mail(name, member, recipient, subject, text, html, marketing, marketing ? unsubscribe : null);
    }

    /** An edited template's body inside the same frame as the built-in mails. */
    private String wrap(String subject, String bodyHtml, java.util.Locale locale, boolean marketing, String unsubscribe, String preferences) {
        Context context = new Context(locale);
        context.setVariable("subject", subject);
        context.setVariable("rawBody", bodyHtml);
        context.setVariable("marketing", marketing);
        context.setVariable("unsubscribe", unsubscribe);
        context.setVariable("preferences", preferences);
        return templates.process("mail/journey", context);
    }

    /**
     * @param textArgs positional arguments of the plain-text message ({0}, {1}, …)
     * @param variables named variables of the HTML template
     */
    public Mail compose(String name, Language language, MemberId member, String recipient, Object[] textArgs,
                        Map<String, Object> variables) {
        var locale = language.locale();
        String subject = messages.getMessage("mail." + name + ".subject", textArgs, locale);
        String text = messages.getMessage("mail." + name + ".text", textArgs, locale);
        Context context = new Context(locale, variables);
        context.setVariable("subject", subject);
        String html = templates.process("mail/" + name, context);
        return new Mail(name, member, recipient, subject, text, html);
    }
}
