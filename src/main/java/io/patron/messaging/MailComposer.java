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

    MailComposer(MessageSource messages, TemplateEngine templates) {
        this.messages = messages;
        this.templates = templates;
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
