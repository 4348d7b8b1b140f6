package io.patron.portal.web;

import io.patron.checkout.Referrals;
import io.patron.common.Barcodes;
import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.program.Programs;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * "Invite friends" in the portal: the member's personal referral link and its QR code, plain share
 * links for the usual messengers and networks (no scripts, no tracking), and the progress of the
 * members they brought.
 */
@Controller
class PortalInviteController {

    private final Members members;
    private final Referrals referrals;
    private final Programs programs;
    private final MessageSource messages;
    private final io.patron.common.PublicUrl publicUrl;

    PortalInviteController(Members members, Referrals referrals, Programs programs, MessageSource messages,
                           io.patron.common.PublicUrl publicUrl) {
        this.members = members;
        this.referrals = referrals;
        this.programs = programs;
        this.messages = messages;
        this.publicUrl = publicUrl;
    }

    @GetMapping("/portal/invite")
    String page(Model model, HttpServletRequest request) {
        Member member = current();
        String link = link(member, request);
        var referral = programs.active().definition().referral();
        String text = referral == null || referral.newcomerPoints() == 0
                ? messages.getMessage("portal.invite.shareText", new Object[] {programs.active().definition().name()}, LocaleContextHolder.getLocale())
                : messages.getMessage("portal.invite.shareTextPoints", new Object[] {programs.active().definition().name(), referral.newcomerPoints()},
                        LocaleContextHolder.getLocale());
        model.addAttribute("member", member);
        model.addAttribute("link", link);
        model.addAttribute("shares", shares(link, text));
        model.addAttribute("referral", referral);
        model.addAttribute("progress", referrals.of(member.id().value()));
        return "portal/invite";
    }

    @GetMapping("/portal/invite/qr.svg")
    ResponseEntity<String> qr(HttpServletRequest request) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("Content-Type", "image/svg+xml")
                .body(Barcodes.qrSvg(link(current(), request)));
    }

    /** Share links: each network's plain "share this" address with the link and a line of text. */
    static Map<String, String> shares(String link, String text) {
        String u = URLEncoder.encode(link, StandardCharsets.UTF_8);
        String t = URLEncoder.encode(text, StandardCharsets.UTF_8);
        String both = URLEncoder.encode(text + " " + link, StandardCharsets.UTF_8);
        Map<String, String> shares = new LinkedHashMap<>();
        shares.put("WhatsApp", "https://wa.me/?text=" + both);
        shares.put("Telegram", "https://t.me/share/url?url=" + u + "&text=" + t);
        shares.put("Viber", "viber://forward?text=" + both);
        shares.put("VK", "https://vk.com/share.php?url=" + u + "&title=" + t);
        shares.put("Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + u);
        shares.put("X", "https://twitter.com/intent/tweet?url=" + u + "&text=" + t);
        shares.put("E-mail", "mailto:?subject=" + t + "&body=" + both);
        return shares;
    }

    private String link(Member member, HttpServletRequest request) {
        String base = publicUrl.base();
        return base + "/portal/signup?ref=" + URLEncoder.encode(member.referralCode(), StandardCharsets.UTF_8);
    }

    private Member current() {
        Caller.Member caller = Callers.member();
        return members.get(new MemberId(caller.memberId()));
    }
}
