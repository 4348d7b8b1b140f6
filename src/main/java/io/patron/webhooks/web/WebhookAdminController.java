package io.patron.webhooks.web;

import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.stores.Stores;
import io.patron.webhooks.WebhookDelivery;
import io.patron.webhooks.WebhookTypes;
import io.patron.webhooks.Webhooks;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The webhook pages (admins): the subscriptions with what waits and what failed, a form to add one (the
 * secret shown once on the next page), and per subscription its settings, secret rotation, a test
 * event, redelivery and the delivery log with each attempt.
 */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class WebhookAdminController {

    private final Webhooks webhooks;
    private final Stores stores;
    private final java.time.Clock clock;

    WebhookAdminController(Webhooks webhooks, Stores stores, java.time.Clock clock) {
        this.webhooks = webhooks;
        this.stores = stores;
        this.clock = clock;
    }

    @GetMapping("/admin/webhooks")
    String list(Model model) {
        model.addAttribute("subscriptions", webhooks.list());
        model.addAttribute("types", WebhookTypes.ALL);
        model.addAttribute("stores", stores.list(new PageRequest(0, 200)).items());
        return "webhooks/list";
    }

    @PostMapping("/admin/webhooks")
    String create(@RequestParam(defaultValue = "") String url, @RequestParam(defaultValue = "") String description,
                  @RequestParam(required = false) List<String> events, @RequestParam(required = false) Long storeId,
                  RedirectAttributes redirect) {
        try {
            Webhooks.WithSecret created = webhooks.create(new Webhooks.Request(url, description, events, storeId, true));
            redirect.addFlashAttribute("secret", created.secret());
            redirect.addFlashAttribute("notice", "webhooks.created");
            return "redirect:/admin/webhooks/" + created.subscription().id();
        } catch (ProblemException e) {
            redirect.addFlashAttribute("errors", e.violations());
            return "redirect:/admin/webhooks";
        }
    }

    @GetMapping("/admin/webhooks/{id}")
    String subscription(@PathVariable long id, @RequestParam(required = false) WebhookDelivery.Status status,
                        @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) Long delivery, Model model) {
        io.patron.webhooks.WebhookSubscription subscription = webhooks.get(id);
        model.addAttribute("s", subscription);
        model.addAttribute("overlapUntil", subscription.previousSecretUntil() != null
                && subscription.previousSecretUntil().isAfter(java.time.OffsetDateTime.now(clock)) ? subscription.previousSecretUntil() : null);
        model.addAttribute("types", WebhookTypes.ALL);
        model.addAttribute("stores", stores.list(new PageRequest(0, 200)).items());
        model.addAttribute("status", status == null ? "" : status.name());
        model.addAttribute("page", webhooks.deliveries(id, status, new PageRequest(Math.max(0, page), 50)));
        if (delivery != null) {
            model.addAttribute("opened", webhooks.delivery(id, delivery));
            model.addAttribute("attempts", webhooks.attempts(id, delivery));
        }
        return "webhooks/subscription";
    }

    @PostMapping("/admin/webhooks/{id}")
    String update(@PathVariable long id, @RequestParam(defaultValue = "") String url, @RequestParam(defaultValue = "") String description,
                  @RequestParam(required = false) List<String> events, @RequestParam(required = false) Long storeId,
                  @RequestParam(defaultValue = "false") boolean enabled, RedirectAttributes redirect) {
        return done(id, redirect, "webhooks.saved", () -> webhooks.update(id, new Webhooks.Request(url, description,
                events == null ? List.of() : events, storeId, enabled)));
    }

    @PostMapping("/admin/webhooks/{id}/secret")
    String rotate(@PathVariable long id, @RequestParam(defaultValue = "24") int overlapHours, RedirectAttributes redirect) {
        return done(id, redirect, "webhooks.rotated", () -> redirect.addFlashAttribute("secret",
                webhooks.rotate(id, Duration.ofHours(overlapHours)).secret()));
    }

    @PostMapping("/admin/webhooks/{id}/test")
    String test(@PathVariable long id, RedirectAttributes redirect) {
        return done(id, redirect, "webhooks.testQueued", () -> webhooks.sendTest(id));
    }

    @PostMapping("/admin/webhooks/{id}/redeliver")
    String redeliverSince(@PathVariable long id, @RequestParam(defaultValue = "") String since, RedirectAttributes redirect) {
        return done(id, redirect, "webhooks.requeued", () -> {
            LocalDateTime local;
            try {
                local = LocalDateTime.parse(since);
            } catch (RuntimeException e) {
                throw ProblemException.invalid("since", "a date and time");
            }
            redirect.addFlashAttribute("requeued", webhooks.redeliverSince(id, local.atZone(ZoneId.systemDefault()).toOffsetDateTime()));
        });
    }

    @PostMapping("/admin/webhooks/{id}/deliveries/{deliveryId}/redeliver")
    String redeliver(@PathVariable long id, @PathVariable long deliveryId, RedirectAttributes redirect) {
        return done(id, redirect, "webhooks.requeued", () -> redirect.addFlashAttribute("requeued", webhooks.redeliver(id, deliveryId)));
    }

    @PostMapping("/admin/webhooks/{id}/delete")
    String delete(@PathVariable long id, RedirectAttributes redirect) {
        webhooks.delete(id);
        redirect.addFlashAttribute("notice", "webhooks.deleted");
        return "redirect:/admin/webhooks";
    }

    private static String done(long id, RedirectAttributes redirect, String notice, Runnable action) {
        try {
            action.run();
            redirect.addFlashAttribute("notice", notice);
        } catch (ProblemException e) {
            redirect.addFlashAttribute("errors", e.violations());
        }
        return "redirect:/admin/webhooks/" + id;
    }
}
