package io.patron.checkout.web;

import io.patron.checkout.Checkout;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.ledger.Ledger;
import io.patron.ledger.LedgerDescriptions;
import io.patron.ledger.LedgerEntry;
import io.patron.ledger.PointAdjustments;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** Admin pages for a member's points (balance, lots, history, purchases, adjustments) and for purchases. */
@Controller
@PreAuthorize("hasAnyRole('ADMIN','SUPPORT','MARKETER','ANALYST')")
class PointsAdminController {

    private final Members members;
    private final Ledger ledger;
    private final PointAdjustments adjustments;
    private final Checkout checkout;
    private final LedgerDescriptions descriptions;
    private final JsonMapper json;
    private final Clock clock;

    PointsAdminController(Members members, Ledger ledger, PointAdjustments adjustments, Checkout checkout,
                          LedgerDescriptions descriptions, JsonMapper json, Clock clock) {
        this.members = members;
        this.ledger = ledger;
        this.adjustments = adjustments;
        this.checkout = checkout;
        this.descriptions = descriptions;
        this.json = json;
        this.clock = clock;
    }

    /** The balance shown on the member page (loaded into it by htmx). */
    @GetMapping("/admin/members/{id}/points/summary")
    String summary(@PathVariable long id, Model model) {
        model.addAttribute("memberId", id);
        model.addAttribute("account", ledger.account(members.get(new MemberId(id)).id(), OffsetDateTime.now(clock)));
        return "points/summary :: summary";
    }

    @GetMapping("/admin/members/{id}/points")
    String points(@PathVariable long id, @RequestParam(defaultValue = "0") int history,
                  @RequestParam(defaultValue = "0") int purchases, Model model) {
        Member member = members.get(new MemberId(id));
        OffsetDateTime now = OffsetDateTime.now(clock);
        model.addAttribute("member", member);
        model.addAttribute("now", now);
        model.addAttribute("account", ledger.account(member.id(), now));
        model.addAttribute("lots", ledger.openLots(member.id()));
        model.addAttribute("history", ledger.history(member.id(), new PageRequest(Math.max(0, history), 25))
                .map(e -> new HistoryLine(e, descriptions.describe(e, LocaleContextHolder.getLocale()))));
        model.addAttribute("purchases", checkout.ofMember(member.id(), new PageRequest(Math.max(0, purchases), 25)));
        // A fresh key per form: a double-clicked submit is recorded once.
        model.addAttribute("adjustKey", java.util.UUID.randomUUID().toString());
        return "points/member";
    }

    @PostMapping("/admin/members/{id}/points/adjust")
    @PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
    String adjust(@PathVariable long id, @RequestParam(defaultValue = "0") long points,
                  @RequestParam(defaultValue = "") String reason, @RequestParam String key, RedirectAttributes redirect) {
        try {
            adjustments.adjust(new MemberId(id), points, reason, key);
            redirect.addFlashAttribute("notice", "points.adjusted");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.errors().isEmpty() ? e.getMessage()
                    : e.errors().getFirst().field() + ": " + e.errors().getFirst().message());
        }
        return "redirect:/admin/members/" + id + "/points";
    }

    @GetMapping("/admin/purchases")
    String findPurchase(@RequestParam(defaultValue = "") String receiptId, Model model) {
        model.addAttribute("receiptId", receiptId);
        if (!receiptId.isBlank() && receiptId.length() <= 64) {
            model.addAttribute("found", checkout.byReceipt(null, receiptId.trim(), new PageRequest(0, 50)));
        }
        return "points/purchases";
    }

    @GetMapping("/admin/purchases/{id}")
    String purchase(@PathVariable long id, Model model) {
        var stored = checkout.purchase(id).orElseThrow(() -> ProblemException.notFound("PURCHASE_NOT_FOUND", "No such purchase."));
        model.addAttribute("purchase", json.readTree(stored.response()));
        model.addAttribute("storeId", stored.storeId());
        model.addAttribute("returns", checkout.returnsOf(id).stream().map(r -> json.readTree(r.response())).toList());
        return "points/purchase";
    }

    /** A ledger line with its description in the reader's language. */
    public record HistoryLine(LedgerEntry entry, String description) {
    }

}
