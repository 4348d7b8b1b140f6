package io.patron.audit.web;

import io.patron.audit.AuditLog;
import io.patron.common.PageRequest;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log, newest first, filterable by entity type and actor. ADMIN only. */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping("/admin/audit")
    String list(@RequestParam(defaultValue = "") String entityType, @RequestParam(defaultValue = "") String actor,
                @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("page", audit.page(new PageRequest(Math.max(0, page), 50), entityType, actor));
        model.addAttribute("entityType", entityType);
        model.addAttribute("actor", actor);
        return "audit/list";
    }
}
