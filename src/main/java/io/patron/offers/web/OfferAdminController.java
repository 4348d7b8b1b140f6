package io.patron.offers.web;

import io.patron.common.ProblemException;
import io.patron.offers.Offers;
import io.patron.segments.Segments;
import java.math.BigDecimal;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Personal offers in the admin: propose a batch, review its figures and sample, approve or discard, follow its delivery. */
@Controller
@RequestMapping("/admin/offers")
@PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
class OfferAdminController {

    private final Offers offers;
    private final Segments segments;
    private final io.patron.analytics.Uplift uplift;

    OfferAdminController(Offers offers, Segments segments, io.patron.analytics.Uplift uplift) {
        this.offers = offers;
        this.segments = segments;
        this.uplift = uplift;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("batches", offers.list(100));
        model.addAttribute("segments", segments.list());
        return "offers/list";
    }

    @PostMapping("/profiles")
    String profiles(RedirectAttributes redirect) {
        offers.computeProfiles();
        redirect.addFlashAttribute("notice", "offers.profilesDone");
        return "redirect:/admin/offers";
    }

    @PostMapping
    String propose(@RequestParam Offers.Kind kind, @RequestParam String name, @RequestParam(required = false) BigDecimal percent,
                   @RequestParam(required = false) BigDecimal amount, @RequestParam(defaultValue = "30") int validDays,
                   @RequestParam(defaultValue = "0.25") BigDecimal minShare, @RequestParam(defaultValue = "2") int minVisits,
                   @RequestParam(defaultValue = "42") int lapsedDays, @RequestParam(defaultValue = "10") int holdoutPercent,
                   @RequestParam(required = false) String segment, RedirectAttributes redirect) {
        try {
            Offers.Batch b = offers.propose(new Offers.Proposal(kind, name, percent, amount, validDays, minShare, minVisits, lapsedDays,
                    holdoutPercent, segment));
            return "redirect:/admin/offers/" + b.id();
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.violations().isEmpty() ? e.getMessage()
                    : e.violations().get(0).field() + ": " + e.violations().get(0).message());
            return "redirect:/admin/offers";
        }
    }

    @GetMapping("/{id}")
    String batch(@PathVariable long id, Model model) {
        Offers.Batch b = offers.batch(id);
        model.addAttribute("batch", b);
        model.addAttribute("categories", offers.categories(id));
        model.addAttribute("sample", offers.sample(id));
        model.addAttribute("uplift", b.status() == Offers.Status.APPROVED && b.heldOut() > 0 ? uplift.offer(id, 30) : null);
        return "offers/batch";
    }

    @PostMapping("/{id}/approve")
    String approve(@PathVariable long id, RedirectAttributes redirect) {
        return act(id, redirect, () -> offers.approve(id), "offers.approved");
    }

    @PostMapping("/{id}/discard")
    String discard(@PathVariable long id, RedirectAttributes redirect) {
        return act(id, redirect, () -> offers.discard(id), "offers.discarded");
    }

    private String act(long id, RedirectAttributes redirect, Runnable action, String notice) {
        try {
            action.run();
            redirect.addFlashAttribute("notice", notice);
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/admin/offers/" + id;
    }
}
