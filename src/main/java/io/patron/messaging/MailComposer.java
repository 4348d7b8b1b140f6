package io.patron.messaging;

import io.patron.common.Language;
import io.patron.members.MemberId;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.springframework.web.util.HtmlUtils;

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

        Map<String, String> map(String unsubscribe) {
            return Map.of("name", name, "card", card, "balance", balance, "tier", tier, "coupon", coupon, "link", link,
                    "extra", extra, "unsubscribe", unsubscribe);
        }
    }

    /**
     * A member's mail template as a marketer edits it: subject, plain text and HTML body with
     * {@code {{variable}}} placeholders ({@link MailTemplates#VARIABLES}).
     */
    public record Source(String subject, String text, String html) {
    }

    /** The placeholders, in the order of the built-in messages' arguments ({0} … {6}). */
    private static final Object[] PLACEHOLDERS = {"{{name}}", "{{card}}", "{{balance}}", "{{tier}}", "{{coupon}}", "{{link}}", "{{extra}}"};

    /**
     * The built-in template of a member's mail in a language, written out with its placeholders: the
     * messages {@code mail.<name>.subject}, {@code .text}, {@code .body} and {@code .button} with
     * placeholders for their arguments. Built-in and edited mails are rendered alike from such a
     * source, so saving the built-in source unchanged changes nothing any member receives.
     */
    public Source builtIn(String name, Language language) {
        var locale = language.locale();
        String subject = messages.getMessage("mail." + name + ".subject", PLACEHOLDERS, locale);
        String text = messages.getMessage("mail." + name + ".text", PLACEHOLDERS, locale);
        String body = messages.getMessage("mail." + name + ".body", PLACEHOLDERS, locale);
        String button = messages.getMessage("mail." + name + ".button", PLACEHOLDERS, "", locale);
        StringBuilder html = new StringBuilder()
                .append("<p>").append(HtmlUtils.htmlEscape(messages.getMessage("mail.greeting", new Object[] {"{{name}}"}, locale))).append("</p>\n")
                .append("<p>").append(HtmlUtils.htmlEscape(body)).append("</p>\n");
        if (messages.getMessage("mail." + name + ".text", null, "", locale).contains("{4}")) {
            html.append("<p style=\"font-size:1.3em;letter-spacing:.1em\"><strong>{{coupon}}</strong></p>\n");
        }
        if (!button.isEmpty()) {
            html.append("<p><a href=\"{{link}}\" style=\"display:inline-block;padding:10px 16px;background:#2b5cab;color:#fff;")
                    .append("text-decoration:none;border-radius:4px\">").append(HtmlUtils.htmlEscape(button)).append("</a></p>\n");
        }
        return new Source(subject, text, html.toString());
    }

    /** The source a member's mail of {@code name} is rendered from: the edited template, else the built-in one. */
    public Source source(String name, Language language) {
        return edited.find(name, language).map(t -> new Source(t.subject(), t.text(), t.html())).orElseGet(() -> builtIn(name, language));
    }

    /**
     * Renders a member's mail of {@code name} from its source ({@link #source}). A marketing mail gets
     * the unsubscribe and preferences links in its footer and its one-click unsubscribe URL for the
     * RFC 8058 headers.
     */
    public Mail composeForMember(String name, Language language, MemberId member, String recipient, Variables vars, boolean marketing) {
        return render(source(name, language), name, language, member, recipient, vars, marketing);
    }

    /** Renders a mail from a given source (a preview of a template being edited, or a stored one). */
    public Mail render(Source source, String name, Language language, MemberId member, String recipient, Variables vars, boolean marketing) {
        var locale = language.locale();
        String unsubscribe = marketing ? links.unsubscribeUrl(member) : "";
        String preferences = links.preferencesUrl(member);
        String footerText = marketing ? "\n\n--\n" + messages.getMessage("mail.footer.text", new Object[] {unsubscribe, preferences}, locale) : "";
        Map<String, String> values = vars.map(unsubscribe);
        String subject = MailTemplates.fill(source.subject(), values, false);
        String text = MailTemplates.fill(source.text(), values, false) + footerText;
        String body = source.html() != null && !source.html().isBlank() ? MailTemplates.fill(source.html(), values, true)
                : "<p>" + HtmlUtils.htmlEscape(MailTemplates.fill(source.text(), values, false))
                .replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>";
        String html = wrap(subject, body, locale, marketing, unsubscribe, preferences);
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
