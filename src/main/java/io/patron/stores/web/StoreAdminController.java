package io.patron.stores.web;

import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.stores.IssuedTillKey;
import io.patron.stores.Store;
import io.patron.stores.StoreId;
import io.patron.stores.Stores;
import java.time.ZoneId;
import java.util.TreeSet;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Stores and their tills; a till key is shown once, right after it was made. */
@Controller
@RequestMapping("/admin")
@PreAuthorize("hasRole('ADMIN')")
class StoreAdminController {

    private final Stores stores;

    StoreAdminController(Stores stores) {
        this.stores = stores;
    }

    @GetMapping("/stores")
    String list(@RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("page", stores.list(new PageRequest(Math.max(0, page), 50)));
        model.addAttribute("zones", new TreeSet<>(ZoneId.getAvailableZoneIds()));
        return "stores/list";
    }

    @PostMapping("/stores")
    String create(@RequestParam String code, @RequestParam String name, @RequestParam String timeZone,
                  RedirectAttributes redirect) {
        try {
            Store store = stores.create(code, name, timeZone);
            return "redirect:/admin/stores/" + store.id();
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", message(e));
            return "redirect:/admin/stores";
        }
    }

    @GetMapping("/stores/{id}")
    String store(@PathVariable long id, Model model) {
        Store store = stores.get(new StoreId(id));
        model.addAttribute("store", store);
        model.addAttribute("tills", stores.tills(store.id()));
        return "stores/page";
    }

    /**
     * A new key is shown in the answer to the post itself: a redirect would carry it in a flash
     * attribute through the session table.
     */
    @PostMapping("/stores/{id}/tills")
    String createTill(@PathVariable long id, @RequestParam String name, Model model) {
        try {
            IssuedTillKey issued = stores.createTill(new StoreId(id), name, null);
            model.addAttribute("issuedKey", issued.key());
            model.addAttribute("issuedTill", issued.till().name());
        } catch (ProblemException e) {
            model.addAttribute("problem", message(e));
        }
        return store(id, model);
    }

    @PostMapping("/tills/{id}/rotate")
    String rotate(@PathVariable long id, Model model, RedirectAttributes redirect) {
        try {
            IssuedTillKey issued = stores.rotateTill(id);
            model.addAttribute("issuedKey", issued.key());
            model.addAttribute("issuedTill", issued.till().name());
            return store(issued.till().storeId().value(), model);
        } catch (ProblemException e) {
            redirect.addFlashAttribute("problem", message(e));
            return "redirect:/admin/stores";
        }
    }

    @PostMapping("/tills/{id}/revoke")
    String revoke(@PathVariable long id) {
        return "redirect:/admin/stores/" + stores.revokeTill(id).storeId();
    }

    private static String message(ProblemException e) {
        return e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().field() + ": " + e.errors().getFirst().message();
    }
}
