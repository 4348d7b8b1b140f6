package io.patron.partners.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.partners.PartnerSales;
import io.patron.partners.Partners;
import io.patron.partners.Settlements;
import io.patron.partners.Statement;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** The partner portal: a partner's people see their own statements and receipts, and nothing else. */
@Controller
class PartnerPortalController {

    private final Partners partners;
    private final PartnerSales sales;
    private final Settlements settlements;

    PartnerPortalController(Partners partners, PartnerSales sales, Settlements settlements) {
        this.partners = partners;
        this.sales = sales;
        this.settlements = settlements;
    }

    @GetMapping("/partner/login")
    String login() {
        return "partners/login";
    }

    @GetMapping("/partner")
    String home(@RequestParam(defaultValue = "0") int page, Model model) {
        Caller.Partner me = Callers.partner();
        model.addAttribute("partner", partners.get(me.partnerId()));
        model.addAttribute("user", me.user());
        model.addAttribute("statements", settlements.list(me.partnerId(), new PageRequest(0, 24)).items());
        model.addAttribute("receipts", sales.receipts(me.partnerId(), new PageRequest(Math.max(0, page), 50)));
        return "partners/portal";
    }

    @GetMapping("/partner/statements/{id}")
    String statement(@PathVariable long id, Model model) {
        model.addAttribute("statement", own(id));
        model.addAttribute("admin", false);
        return "partners/statement";
    }

    @GetMapping("/partner/statements/{id}/csv")
    ResponseEntity<String> csv(@PathVariable long id) {
        Statement s = own(id);
        return io.patron.common.Downloads.csv(s.number(), settlements.csv(s));
    }

    private Statement own(long id) {
        long partnerId = Callers.partner().partnerId();
        return settlements.find(id).filter(s -> s.partnerId() == partnerId)
                .orElseThrow(() -> ProblemException.notFound("STATEMENT_NOT_FOUND", "No statement " + id + " of this partner."));
    }
}
