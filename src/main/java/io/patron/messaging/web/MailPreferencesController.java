package io.patron.messaging.web;

import io.patron.common.ProblemException;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.messaging.MailLinks;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The links of a member's mails, without signing in: one-click unsubscribe (a page with a button, and
 * the RFC 8058 POST a mail client sends on its own, without a CSRF token: the signed link is the
 * authority) and the preferences page. A forged or altered link is refused.
 */
@Controller
class MailPreferencesController {

    private final MailLinks links;
    private final Members members;

    MailPreferencesController(MailLinks links, Members members) {
        this.links = links;
        this.members = members;
    }

    private Member member(String token) {
        MemberId id = links.verify(token).orElseThrow(() -> ProblemException.notFound("LINK_INVALID", "This link is not valid."));
        // A link from before a merge speaks for the survivor now.
        return members.find(id).map(m -> members.current(m.id())).filter(Member::changeable)
                .orElseThrow(() -> ProblemException.notFound("LINK_INVALID", "This link is not valid."));
    }

    @GetMapping("/mail/unsubscribe/{token}")
    String confirm(@PathVariable String token, Model model) {
        member(token);
        model.addAttribute("token", token);
        return "messaging/unsubscribe";
    }

    /** The button, or a mail client's one-click POST ({@code List-Unsubscribe=One-Click}). */
    @PostMapping("/mail/unsubscribe/{token}")
    String unsubscribe(@PathVariable String token, Model model) {
        Member member = member(token);
        members.setEmailConsent(member.id(), false, EnrolmentChannel.EMAIL);
        model.addAttribute("token", token);
        model.addAttribute("done", true);
        return "messaging/unsubscribe";
    }

    @GetMapping("/mail/preferences/{token}")
    String preferences(@PathVariable String token, Model model) {
        model.addAttribute("member", member(token));
        model.addAttribute("token", token);
        return "messaging/preferences";
    }

    @PostMapping("/mail/preferences/{token}")
    String save(@PathVariable String token, @RequestParam(defaultValue = "false") boolean consent, Model model) {
        Member member = members.setEmailConsent(member(token).id(), consent, EnrolmentChannel.EMAIL);
        model.addAttribute("member", member);
        model.addAttribute("token", token);
        model.addAttribute("saved", true);
        return "messaging/preferences";
    }
}
