package io.patron.portal.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.coupons.Coupons;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.common.Barcodes;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;

/** "My coupons" in the portal: the member's coupons, each with a QR code to show at the till. */
@Controller
@RequestMapping("/portal/coupons")
class PortalCouponsController {

    private final Members members;
    private final Coupons coupons;

    PortalCouponsController(Members members, Coupons coupons) {
        this.members = members;
        this.coupons = coupons;
    }

    @GetMapping
    String list(Model model) {
        Member member = current();
        model.addAttribute("member", member);
        model.addAttribute("coupons", coupons.ofMember(member.id().value()));
        return "portal/coupons";
    }

    /** The QR code of one of the member's own coupons; another member's code is not found. */
    @GetMapping("/{code}/qr.svg")
    ResponseEntity<String> qr(@PathVariable String code) {
        long member = current().id().value();
        String own = coupons.find(code).filter(c -> c.memberId() != null && c.memberId() == member).map(c -> c.code())
                .orElseThrow(() -> ProblemException.notFound("COUPON_NOT_FOUND", "No such coupon of yours."));
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("Content-Type", "image/svg+xml").body(Barcodes.qrSvg(own));
    }

    private Member current() {
        Caller.Member caller = Callers.member();
        return members.get(new MemberId(caller.memberId()));
    }
}
