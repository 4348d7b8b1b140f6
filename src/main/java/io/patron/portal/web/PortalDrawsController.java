package io.patron.portal.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.draws.Draws;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The member's draw tickets in the portal, with their numbers and what they won. */
@Controller
class PortalDrawsController {

    private final Draws draws;

    PortalDrawsController(Draws draws) {
        this.draws = draws;
    }

    @GetMapping("/portal/draws")
    String tickets(Model model) {
        Caller.Member caller = Callers.member();
        model.addAttribute("entries", draws.ofMember(caller.memberId()));
        return "portal/draws";
    }
}
