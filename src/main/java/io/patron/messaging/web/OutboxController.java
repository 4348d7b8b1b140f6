package io.patron.messaging.web;

import io.patron.messaging.OutboxEntry;

import io.patron.common.PageRequest;
import io.patron.messaging.Mailer;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The outbox: every e-mail Patron queued, with its delivery state. In the embedded default (no SMTP
 * server) this is where mails are read, sign-in links included.
 */
@Controller
@PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
class OutboxController {

    private final Mailer mailer;

    OutboxController(Mailer mailer) {
        this.mailer = mailer;
    }

    @GetMapping("/admin/outbox")
    String list(@RequestParam(defaultValue = "") String recipient, @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("page", mailer.outbox(new PageRequest(Math.max(0, page), 50), recipient));
        model.addAttribute("recipient", recipient);
        model.addAttribute("smtp", mailer.smtpEnabled());
        return "messaging/outbox";
    }

    /**
     * A mail as queued. A one-time secret in it (a sign-in link's token) stays masked: nobody in the
     * admin may sign in as a member. The one exception is the embedded demo without SMTP, where the
     * outbox is the only way a mail reaches anyone: there an ADMIN sees a captured mail's link.
     */
    @GetMapping("/admin/outbox/{id}")
    String mail(@PathVariable long id, Model model) {
        OutboxEntry mail = mailer.entry(id);
        boolean reveal = mail.holdsSecret() && mail.status() == OutboxEntry.Status.CAPTURED
                && io.patron.common.Callers.admin().map(a -> a.hasRole("ADMIN")).orElse(false);
        model.addAttribute("mail", mail);
        model.addAttribute("text", reveal ? mail.deliveredText() : mail.text());
        model.addAttribute("html", reveal ? mail.deliveredHtml() : mail.html());
        model.addAttribute("secret", mail.holdsSecret() ? (reveal ? "shown" : "hidden") : null);
        return "messaging/mail";
    }
}
