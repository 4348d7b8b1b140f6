package io.patron.fraud.web;

import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Callers;
import io.patron.fraud.FraudCase;
import io.patron.fraud.FraudCases;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The fraud queue for support and admins: open cases with their evidence, notes, closing, holds and releases. */
@Controller
@PreAuthorize("hasAnyRole('ADMIN','SUPPORT')")
class FraudAdminController {

    private final FraudCases cases;

    FraudAdminController(FraudCases cases) {
        this.cases = cases;
    }

    @GetMapping("/admin/fraud")
    String queue(@RequestParam(defaultValue = "OPEN") String status, @RequestParam(defaultValue = "0") int page, Model model) {
        FraudCase.Status filter = "ALL".equals(status) ? null : "CLOSED".equals(status) ? FraudCase.Status.CLOSED : FraudCase.Status.OPEN;
        model.addAttribute("status", filter == null ? "ALL" : filter.name());
        model.addAttribute("page", cases.page(filter, new PageRequest(Math.max(0, page), 50)));
        model.addAttribute("counts", cases.countsByRule(30));
        model.addAttribute("holds", cases.holds(new PageRequest(0, 50)));
        return "fraud/queue";
    }

    @GetMapping("/admin/fraud/{id}")
    String fraudCase(@PathVariable long id, Model model) {
        FraudCase c = cases.get(id);
        model.addAttribute("c", c);
        model.addAttribute("notes", cases.notes(id));
        model.addAttribute("hold", c.memberId() == null ? null : cases.hold(c.memberId()).orElse(null));
        return "fraud/case";
    }

    @PostMapping("/admin/fraud/{id}/assign")
    String assign(@PathVariable long id, RedirectAttributes redirect) {
        cases.assign(id, Callers.actorName());
        redirect.addFlashAttribute("notice", "fraud.assigned");
        return "redirect:/admin/fraud/" + id;
    }

    @PostMapping("/admin/fraud/{id}/notes")
    String note(@PathVariable long id, @RequestParam(defaultValue = "") String note, RedirectAttributes redirect) {
        try {
            cases.note(id, note);
            redirect.addFlashAttribute("notice", "fraud.noted");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/admin/fraud/" + id;
    }

    @PostMapping("/admin/fraud/{id}/close")
    String close(@PathVariable long id, @RequestParam(defaultValue = "") String resolution, @RequestParam(defaultValue = "") String note,
                 RedirectAttributes redirect) {
        FraudCase.Resolution r = "FRAUD".equals(resolution) ? FraudCase.Resolution.FRAUD
                : "NOT_FRAUD".equals(resolution) ? FraudCase.Resolution.NOT_FRAUD : null;
        try {
            cases.close(id, r, note);
            redirect.addFlashAttribute("notice", "fraud.closed");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/admin/fraud/" + id;
    }

    @PostMapping("/admin/fraud/{id}/hold")
    String hold(@PathVariable long id, @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        FraudCase c = cases.get(id);
        if (c.memberId() == null) {
            throw ProblemException.unprocessable("NO_MEMBER", "This case concerns no single member.");
        }
        try {
            cases.holdMember(c.memberId(), id, reason);
            redirect.addFlashAttribute("notice", "fraud.held");
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/admin/fraud/" + id;
    }

    @PostMapping("/admin/fraud/{id}/release")
    String release(@PathVariable long id, @RequestParam(defaultValue = "") String note, RedirectAttributes redirect) {
        FraudCase c = cases.get(id);
        if (c.memberId() != null) {
            cases.release(c.memberId(), note);
            redirect.addFlashAttribute("notice", "fraud.released");
        }
        return "redirect:/admin/fraud/" + id;
    }
}
