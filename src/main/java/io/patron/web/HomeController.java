package io.patron.web;

import io.patron.members.Members;
import io.patron.stores.Stores;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The landing page, the admin login page and the admin dashboard. */
@Controller
class HomeController {

    private final Members members;
    private final Stores stores;

    private final io.patron.webhooks.Webhooks webhooks;

    HomeController(Members members, Stores stores, io.patron.webhooks.Webhooks webhooks) {
        this.members = members;
        this.stores = stores;
        this.webhooks = webhooks;
    }

    @GetMapping("/")
    String index() {
        return "index";
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/admin")
    String dashboard(Model model) {
        model.addAttribute("memberCount", members.count());
        model.addAttribute("storeCount", stores.count());
        model.addAttribute("webhooksFailing", webhooks.failing());
        return "admin/dashboard";
    }
}
