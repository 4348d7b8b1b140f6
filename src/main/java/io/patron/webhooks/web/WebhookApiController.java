package io.patron.webhooks.web;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.webhooks.WebhookDelivery;
import io.patron.webhooks.WebhookSubscription;
import io.patron.webhooks.WebhookTypes;
import io.patron.webhooks.Webhooks;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Webhook subscriptions for scripts: create (the secret answered once), change, rotate, test, the delivery log and redelivery. */
@RestController
@PreAuthorize("hasRole('ADMIN')")
@Tag(name = "Webhooks", description = "Events posted to the chain's systems, signed as the Standard Webhooks specification says")
class WebhookApiController {

    private final Webhooks webhooks;

    WebhookApiController(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @GetMapping("/api/v1/webhooks/event-types")
    @Operation(summary = "The event types a subscription may ask for")
    List<String> eventTypes() {
        return WebhookTypes.ALL;
    }

    @GetMapping("/api/v1/webhooks")
    @Operation(summary = "Every subscription (at most 50)")
    Page<WebhookSubscription> list() {
        List<WebhookSubscription> all = webhooks.list();
        return new Page<>(all, 0, Webhooks.SUBSCRIPTIONS_MAX, all.size());
    }

    @PostMapping("/api/v1/webhooks")
    @Operation(summary = "Subscribe a URL to event types", description = "The answer carries the signing secret; it is never shown again.")
    ResponseEntity<Webhooks.WithSecret> create(@RequestBody Webhooks.Request request) {
        Webhooks.WithSecret created = webhooks.create(request);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + created.subscription().id())).body(created);
    }

    @GetMapping("/api/v1/webhooks/{id}")
    @Operation(summary = "A subscription")
    WebhookSubscription get(@PathVariable long id) {
        return webhooks.get(id);
    }

    @PutMapping("/api/v1/webhooks/{id}")
    @Operation(summary = "Change a subscription", description = "Null fields stay as they are, but storeId: null means every store. enabled false pauses: events wait and go out in order when enabled again.")
    WebhookSubscription update(@PathVariable long id, @RequestBody Webhooks.Request request) {
        if (request == null) {
            throw ProblemException.invalid("url", "a body is required");
        }
        return webhooks.update(id, request);
    }

    @DeleteMapping("/api/v1/webhooks/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a subscription and its waiting deliveries")
    void delete(@PathVariable long id) {
        webhooks.delete(id);
    }

    record RotateRequest(Integer overlapHours) {
    }

    @PostMapping("/api/v1/webhooks/{id}/secret")
    @Operation(summary = "Rotate the signing secret", description = "The previous secret keeps signing beside the new one for overlapHours (24 by default, at most 168).")
    Webhooks.WithSecret rotate(@PathVariable long id, @RequestBody(required = false) RotateRequest request) {
        int hours = request == null || request.overlapHours() == null ? 24 : request.overlapHours();
        return webhooks.rotate(id, Duration.ofHours(hours));
    }

    record TestSent(String messageId) {
    }

    @PostMapping("/api/v1/webhooks/{id}/test")
    @Operation(summary = "Queue a webhook.test event for this subscription")
    TestSent test(@PathVariable long id) {
        return new TestSent(webhooks.sendTest(id));
    }

    @GetMapping("/api/v1/webhooks/{id}/deliveries")
    @Operation(summary = "The delivery log, newest first, optionally of one status")
    Page<WebhookDelivery> deliveries(@PathVariable long id, @RequestParam(required = false) WebhookDelivery.Status status,
                                     @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return webhooks.deliveries(id, status, new PageRequest(page, size));
    }

    @GetMapping("/api/v1/webhooks/{id}/deliveries/{deliveryId}/attempts")
    @Operation(summary = "A delivery's attempts, newest first (at most 100)")
    List<WebhookDelivery.Attempt> attempts(@PathVariable long id, @PathVariable long deliveryId) {
        return webhooks.attempts(id, deliveryId);
    }

    record Requeued(int deliveries) {
    }

    @PostMapping("/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver")
    @Operation(summary = "Send a delivered or failed event again", description = "Queued at the end, with its message id and body.")
    Requeued redeliver(@PathVariable long id, @PathVariable long deliveryId) {
        return new Requeued(webhooks.redeliver(id, deliveryId));
    }

    record RedeliverRequest(OffsetDateTime since) {
    }

    @PostMapping("/api/v1/webhooks/{id}/redeliver")
    @Operation(summary = "Send again every delivered or failed event since a time, in order")
    Requeued redeliverSince(@PathVariable long id, @RequestBody RedeliverRequest request) {
        return new Requeued(webhooks.redeliverSince(id, request == null ? null : request.since()));
    }
}
