package io.patron.partners.web;

import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.partners.Partner;
import io.patron.partners.PartnerRequest;
import io.patron.partners.PartnerSales;
import io.patron.partners.Partners;
import io.patron.partners.Settlements;
import io.patron.partners.Statement;
import java.math.BigDecimal;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Partners in the admin: the list and a new partner, a partner's settings, keys, portal users and
 * statements, and each statement with its review and closing.
 */
@Controller
@RequestMapping("/admin/partners")
@PreAuthorize("hasAnyRole('ADMIN','ANALYST')")
class PartnerAdminController {

    private static final String WRITE = "hasRole('ADMIN')";

    private final Partners partners;
    private final PartnerSales sales;
    private final Settlements settlements;

    PartnerAdminController(Partners partners, PartnerSales sales, Settlements settlements) {
        this.partners = partners;
        this.sales = sales;
        this.settlements = settlements;
    }

    @org.springframework.web.bind.annotation.ModelAttribute
    void choices(Model model) {
        model.addAttribute("periods", Partner.Period.values());
        model.addAttribute("statuses", Partner.Status.values());
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("partners", partners.list());
        model.addAttribute("statements", settlements.list(null, new PageRequest(0, 20)).items());
        return "partners/admin";
    }

    /** The form of a partner's settings; numbers as typed ("0.5", "1.00"). */
    record PartnerForm(String code, String name, String contactName, String contactEmail, String contactPhone, String status,
                       BigDecimal earnRate, Boolean burnAccepted, BigDecimal issuePrice, BigDecimal redeemPrice,
                       BigDecimal cobrandShare, String period, String currency) {
        PartnerRequest request() {
            return new PartnerRequest(code, name, contactName, contactEmail, contactPhone,
                    status == null || status.isBlank() ? null : Partner.Status.valueOf(status),
                    earnRate, burnAccepted != null && burnAccepted, issuePrice, redeemPrice, cobrandShare,
                    period == null || period.isBlank() ? null : Partner.Period.valueOf(period), currency);
        }
    }

    @PostMapping
    @PreAuthorize(WRITE)
    String create(PartnerForm form, Model model) {
        try {
            return "redirect:/admin/partners/" + partners.create(form.request()).id();
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            return list(model);
        }
    }

    @GetMapping("/{id}")
    String page(@PathVariable long id, @RequestParam(defaultValue = "0") int page, Model model) {
        Partner partner = partners.get(id);
        model.addAttribute("partner", partner);
        model.addAttribute("keys", partners.keys(id));
        model.addAttribute("users", partners.users(id));
        model.addAttribute("statements", settlements.list(id, new PageRequest(0, 24)).items());
        model.addAttribute("receipts", sales.receipts(id, new PageRequest(Math.max(0, page), 50)));
        return "partners/detail";
    }

    @PostMapping("/{id}")
    @PreAuthorize(WRITE)
    String update(@PathVariable long id, PartnerForm form, Model model, RedirectAttributes redirect) {
        try {
            partners.update(id, form.request());
            redirect.addFlashAttribute("notice", "partners.saved");
            return "redirect:/admin/partners/" + id;
        } catch (ProblemException e) {
            model.addAttribute("errors", e.violations());
            return page(id, 0, model);
        }
    }

    @PostMapping("/{id}/keys")
    @PreAuthorize(WRITE)
    String createKey(@PathVariable long id, @RequestParam String name, Model model) {
        // Shown in the answer to the post: a redirect would carry the secret through the session table.
        try {
            model.addAttribute("newKey", partners.createKey(id, name).secret());
        } catch (ProblemException e) {
            model.addAttribute("problem", e.getMessage());
        }
        return page(id, 0, model);
    }

    @PostMapping("/{id}/keys/{keyId}/revoke")
    @PreAuthorize(WRITE)
    String revokeKey(@PathVariable long id, @PathVariable long keyId, RedirectAttributes redirect) {
        return act("/admin/partners/" + id, redirect, () -> partners.revokeKey(id, keyId));
    }

    @PostMapping("/{id}/users")
    @PreAuthorize(WRITE)
    String createUser(@PathVariable long id, @RequestParam String username, @RequestParam String password,
                      @RequestParam(required = false) String displayName, RedirectAttributes redirect) {
        return act("/admin/partners/" + id, redirect, () -> partners.createUser(id, username, password, displayName));
    }

    @PostMapping("/{id}/users/{userId}/enabled")
    @PreAuthorize(WRITE)
    String enableUser(@PathVariable long id, @PathVariable long userId, @RequestParam boolean enabled, RedirectAttributes redirect) {
        return act("/admin/partners/" + id, redirect, () -> partners.setUserEnabled(id, userId, enabled));
    }

    @PostMapping("/statements/draft-due")
    @PreAuthorize(WRITE)
    String draftDue(RedirectAttributes redirect) {
        redirect.addFlashAttribute("drafted", settlements.draftDue());
        return "redirect:/admin/partners";
    }

    @GetMapping("/statements/{id}")
    String statement(@PathVariable long id, Model model) {
        model.addAttribute("statement", settlements.get(id));
        model.addAttribute("admin", true);
        return "partners/statement";
    }

    @GetMapping(value = "/statements/{id}/csv")
    ResponseEntity<String> csv(@PathVariable long id) {
        Statement s = settlements.get(id);
        return io.patron.common.Downloads.csv(s.number(), settlements.csv(s));
    }

    @PostMapping("/statements/{id}/refresh")
    @PreAuthorize(WRITE)
    String refresh(@PathVariable long id, RedirectAttributes redirect) {
        return act("/admin/partners/statements/" + id, redirect, () -> settlements.refresh(id));
    }

    @PostMapping("/statements/{id}/review")
    @PreAuthorize(WRITE)
    String review(@PathVariable long id, @RequestParam(required = false) String note, RedirectAttributes redirect) {
        return act("/admin/partners/statements/" + id, redirect, () -> settlements.review(id, note));
    }

    @PostMapping("/statements/{id}/close")
    @PreAuthorize(WRITE)
    String close(@PathVariable long id, RedirectAttributes redirect) {
        return act("/admin/partners/statements/" + id, redirect, () -> settlements.close(id));
    }

    private static String act(String back, RedirectAttributes redirect, Runnable action) {
        try {
            action.run();
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:" + back;
    }
}
