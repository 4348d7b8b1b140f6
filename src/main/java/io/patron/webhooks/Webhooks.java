package io.patron.webhooks;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.FieldViolation;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.stores.StoreId;
import io.patron.stores.Stores;
import io.patron.webhooks.internal.SecretBox;
import io.patron.webhooks.internal.Signatures;
import io.patron.webhooks.internal.TargetGuard;
import io.patron.webhooks.internal.WebhookStore;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhook subscriptions and their deliveries, for the admin pages and the API (ADMIN role). A
 * subscription's signing secret is made by Patron, shown once when the subscription is created or the
 * secret rotated, and kept encrypted; after a rotation the previous secret signs too, beside the new
 * one, for the overlap asked (a day by default), so receivers can switch without losing an event.
 */
@Service
public class Webhooks {

    public static final int SUBSCRIPTIONS_MAX = 50;
    public static final int URL_MAX = 2000;
    public static final int DESCRIPTION_MAX = 200;
    public static final Duration OVERLAP_MAX = Duration.ofDays(7);

    private final WebhookStore store;
    private final SecretBox box;
    private final TargetGuard guard;
    private final Stores stores;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;

    Webhooks(WebhookStore store, SecretBox box, TargetGuard guard, Stores stores, AuditLog audit, JsonMapper json, Clock clock) {
        this.store = store;
        this.box = box;
        this.guard = guard;
        this.stores = stores;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /** What a subscription is asked to be. */
    public record Request(String url, String description, List<String> events, Long storeId, Boolean enabled) {
    }

    /** A new or rotated secret: shown this once. */
    public record WithSecret(WebhookSubscription subscription, String secret) {
    }

    @Transactional
    public WithSecret create(Request request) {
        Request r = checked(request);
        if (store.all(SUBSCRIPTIONS_MAX + 1).size() >= SUBSCRIPTIONS_MAX) {
            throw ProblemException.conflict("TOO_MANY_SUBSCRIPTIONS", "At most " + SUBSCRIPTIONS_MAX + " webhook subscriptions", null);
        }
        String secret = Signatures.newSecret();
        long id = store.insert(r.url(), r.description(), r.events(), r.storeId(), box.seal(secret), Callers.actorName(),
                OffsetDateTime.now(clock));
        if (Boolean.FALSE.equals(r.enabled())) {
            store.update(id, r.url(), r.description(), r.events(), r.storeId(), false);
        }
        WebhookSubscription created = get(id);
        audit.record("WEBHOOK_CREATED", "webhook", id, null, Map.of("url", created.url(), "events", created.events()));
        return new WithSecret(created, secret);
    }

    @Transactional
    public WebhookSubscription update(long id, Request request) {
        WebhookSubscription before = get(id);
        Request r = checked(new Request(request.url() == null ? before.url() : request.url(),
                request.description() == null ? before.description() : request.description(),
                request.events() == null ? before.events() : request.events(), request.storeId(), request.enabled()));
        boolean enabled = r.enabled() == null ? before.enabled() : r.enabled();
        store.update(id, r.url(), r.description(), r.events(), r.storeId(), enabled);
        WebhookSubscription after = get(id);
        audit.record("WEBHOOK_CHANGED", "webhook", id, view(before), view(after));
        return after;
    }

    @Transactional
    public WebhookSubscription enable(long id, boolean enabled) {
        WebhookSubscription before = get(id);
        store.update(id, before.url(), before.description(), before.events(), before.storeId(), enabled);
        audit.record(enabled ? "WEBHOOK_ENABLED" : "WEBHOOK_PAUSED", "webhook", id, null, null);
        return get(id);
    }

    /** A new secret; the old one keeps signing beside it for {@code overlap} (0 to 7 days). */
    @Transactional
    public WithSecret rotate(long id, Duration overlap) {
        get(id);
        if (overlap == null || overlap.isNegative() || overlap.compareTo(OVERLAP_MAX) > 0) {
            throw ProblemException.invalid("overlapHours", "between 0 and " + OVERLAP_MAX.toHours());
        }
        String secret = Signatures.newSecret();
        store.rotate(id, box.seal(secret), OffsetDateTime.now(clock).plus(overlap));
        audit.record("WEBHOOK_SECRET_ROTATED", "webhook", id, null, Map.of("overlapHours", overlap.toHours()));
        return new WithSecret(get(id), secret);
    }

    @Transactional
    public void delete(long id) {
        WebhookSubscription before = get(id);
        store.delete(id);
        audit.record("WEBHOOK_DELETED", "webhook", id, view(before), null);
    }

    public WebhookSubscription get(long id) {
        return store.find(id).orElseThrow(() -> ProblemException.notFound("WEBHOOK_NOT_FOUND", "No webhook subscription " + id));
    }

    public List<WebhookSubscription> list() {
        return store.all(SUBSCRIPTIONS_MAX);
    }

    public long failing() {
        return store.failingCount();
    }

    public Page<WebhookDelivery> deliveries(long subscriptionId, WebhookDelivery.Status status, PageRequest page) {
        get(subscriptionId);
        return store.deliveries(subscriptionId, status, page);
    }

    public WebhookDelivery delivery(long subscriptionId, long deliveryId) {
        return store.delivery(deliveryId).filter(d -> d.subscriptionId() == subscriptionId)
                .orElseThrow(() -> ProblemException.notFound("DELIVERY_NOT_FOUND", "No delivery " + deliveryId + " of this subscription"));
    }

    public List<WebhookDelivery.Attempt> attempts(long subscriptionId, long deliveryId) {
        delivery(subscriptionId, deliveryId);
        return store.attempts(deliveryId, 100);
    }

    /** Sends one finished delivery again, at the end of the subscription's queue, with its message id and body. */
    @Transactional
    public int redeliver(long subscriptionId, long deliveryId) {
        WebhookDelivery delivery = delivery(subscriptionId, deliveryId);
        if (delivery.status() == WebhookDelivery.Status.PENDING) {
            throw ProblemException.conflict("DELIVERY_PENDING", "The delivery is still waiting to be delivered", null);
        }
        int queued = store.requeue(subscriptionId, deliveryId, null, OffsetDateTime.now(clock));
        audit.record("WEBHOOK_REDELIVERED", "webhook", subscriptionId, null, Map.of("delivery", deliveryId));
        return queued;
    }

    /** Sends again every finished delivery of events that happened since a time, in their order. */
    @Transactional
    public int redeliverSince(long subscriptionId, OffsetDateTime since) {
        get(subscriptionId);
        if (since == null) {
            throw ProblemException.invalid("since", "a time, such as 2026-12-01T00:00:00Z");
        }
        int queued = store.requeue(subscriptionId, null, since, OffsetDateTime.now(clock));
        audit.record("WEBHOOK_REDELIVERED", "webhook", subscriptionId, null, Map.of("since", since.toString(), "deliveries", queued));
        return queued;
    }

    /** Queues a {@code webhook.test} event for this subscription, whatever types it asked for. */
    @Transactional
    public String sendTest(long subscriptionId) {
        get(subscriptionId);
        OffsetDateTime now = OffsetDateTime.now(clock);
        String messageId = "test_" + UUID.randomUUID();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", WebhookTypes.TEST);
        envelope.put("timestamp", now.toInstant().toString());
        envelope.put("data", Map.of("subscriptionId", subscriptionId));
        store.queue(subscriptionId, messageId, WebhookTypes.TEST, json.writeValueAsString(envelope), now, now);
        return messageId;
    }

    private Request checked(Request r) {
        if (r == null) {
            throw ProblemException.invalid("url", "required");
        }
        List<FieldViolation> errors = new ArrayList<>();
        String url = r.url() == null ? "" : r.url().trim();
        if (url.isEmpty()) {
            errors.add(new FieldViolation("url", "required"));
        } else if (url.length() > URL_MAX) {
            errors.add(new FieldViolation("url", "at most " + URL_MAX + " characters"));
        } else {
            String refusal = guard.refusal(url);
            if (refusal != null) {
                errors.add(new FieldViolation("url", refusal));
            }
        }
        String description = r.description() == null || r.description().isBlank() ? null : r.description().trim();
        if (description != null && description.length() > DESCRIPTION_MAX) {
            errors.add(new FieldViolation("description", "at most " + DESCRIPTION_MAX + " characters"));
        }
        LinkedHashSet<String> events = new LinkedHashSet<>();
        if (r.events() == null || r.events().isEmpty()) {
            errors.add(new FieldViolation("events", "at least one event type"));
        } else {
            for (String type : r.events()) {
                if (type == null || !WebhookTypes.known(type.trim())) {
                    errors.add(new FieldViolation("events", "unknown event type " + type + "; known: " + String.join(", ", WebhookTypes.ALL)));
                    break;
                }
                events.add(type.trim());
            }
        }
        if (r.storeId() != null && stores.find(new StoreId(r.storeId())).isEmpty()) {
            errors.add(new FieldViolation("storeId", "no such store"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new Request(url, description, List.copyOf(events), r.storeId(), r.enabled());
    }

    private static Map<String, Object> view(WebhookSubscription s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("url", s.url());
        view.put("events", s.events());
        view.put("storeId", s.storeId());
        view.put("enabled", s.enabled());
        return view;
    }
}
