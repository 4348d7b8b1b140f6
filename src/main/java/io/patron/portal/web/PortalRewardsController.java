package io.patron.portal.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.ledger.Ledger;
import io.patron.members.MemberId;
import io.patron.rewards.Rewards;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The reward catalogue in the portal: the member's prices, redeeming, their redemptions and cancelling. */
@Controller
@RequestMapping("/portal/rewards")
class PortalRewardsController {

    private final Rewards rewards;
    private final Ledger ledger;
    private final Clock clock;

    PortalRewardsController(Rewards rewards, Ledger ledger, Clock clock) {
        this.rewards = rewards;
        this.ledger = ledger;
        this.clock = clock;
    }

    @GetMapping
    String catalogue(Model model) {
        MemberId member = current();
        model.addAttribute("account", ledger.account(member, OffsetDateTime.now(clock)));
        model.addAttribute("offers", rewards.catalogue(member));
        model.addAttribute("redemptions", rewards.ofMember(member));
        return "portal/rewards";
    }

    @PostMapping("/{itemId}/redeem")
    String redeem(@PathVariable long itemId, RedirectAttributes redirect) {
        try {
            redirect.addFlashAttribute("redeemed", rewards.redeem(current(), itemId, "PORTAL"));
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.code());
        }
        return "redirect:/portal/rewards";
    }

    @PostMapping("/redemptions/{id}/cancel")
    String cancel(@PathVariable long id, RedirectAttributes redirect) {
        try {
            rewards.cancel(id, current());
            redirect.addFlashAttribute("cancelled", true);
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.code());
        }
        return "redirect:/portal/rewards";
    }

    private static MemberId current() {
        Caller.Member caller = Callers.member();
        return new MemberId(caller.memberId());
    }
}
