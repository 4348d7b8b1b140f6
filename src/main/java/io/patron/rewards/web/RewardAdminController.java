package io.patron.rewards.web;

import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.rewards.Redemption;
import io.patron.rewards.RewardItem;
import io.patron.rewards.Rewards;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The catalogue in the admin: items, a form for a new one, and the latest redemptions with their fulfilment. */
@Controller
@RequestMapping("/admin/rewards")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER','SUPPORT')")
class RewardAdminController {

    private final Rewards rewards;

    RewardAdminController(Rewards rewards) {
        this.rewards = rewards;
    }

    @GetMapping
    String page(@RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("items", rewards.items());
        model.addAttribute("kinds", RewardItem.Kind.values());
        model.addAttribute("redemptions", rewards.recent(new PageRequest(Math.max(0, page), 50)));
        return "rewards/index";
    }

    /** The new-item form as posted (dates are days in UTC). */
    record ItemForm(String code, String name, String description, RewardItem.Kind kind, Long pointsPrice, Long birthdayPoints,
                    Integer stock, Integer perMemberLimit, String minTier, LocalDate validFrom, LocalDate validTo, String imageUrl,
                    String campaignCode) {
        Rewards.ItemRequest request() {
            return new Rewards.ItemRequest(code, name, description, kind, pointsPrice, birthdayPoints, stock, perMemberLimit, minTier,
                    validFrom == null ? null : validFrom.atStartOfDay().atOffset(ZoneOffset.UTC),
                    validTo == null ? null : validTo.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC), imageUrl, campaignCode);
        }
    }

    @PostMapping
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    String create(ItemForm form, Model model) {
        try {
            rewards.create(form.request());
            return "redirect:/admin/rewards";
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            model.addAttribute("form", form);
            return page(0, model);
        }
    }

    @PostMapping("/{id}/retire")
    @PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
    String retire(@PathVariable long id) {
        rewards.retire(id);
        return "redirect:/admin/rewards";
    }

    @PostMapping("/redemptions/{id}/status")
    String advance(@PathVariable long id, @RequestParam Redemption.Status status) {
        rewards.advance(id, status);
        return "redirect:/admin/rewards";
    }

    @PostMapping("/redemptions/{id}/cancel")
    String cancel(@PathVariable long id) {
        rewards.cancel(id, null);
        return "redirect:/admin/rewards";
    }
}
