package io.patron.webhooks.internal;

import io.patron.checkout.TierStatus;
import io.patron.checkout.Tiers;
import io.patron.events.Event;
import io.patron.events.EventReaction;
import io.patron.members.MemberId;
import io.patron.program.ProgramDefinition;
import io.patron.program.Programs;
import io.patron.webhooks.WebhookTypes;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns each committed event into the webhook events it stands for and queues one delivery per
 * subscription that wants it (enabled or paused: a paused subscription's events wait for it). A sale
 * is one event in the till's transaction and becomes here {@code purchase.recorded} and, as they
 * apply, {@code points.earned}, {@code points.redeemed}, {@code coupon.redeemed}, {@code coupon.issued}
 * and {@code tier.changed}. Each outgoing event's message id is the event's id and its place among
 * them, so a second run of this reaction (after a failure elsewhere) makes the same ids.
 */
@Component
class WebhookReaction implements EventReaction {

    /** The events recorded inside Patron that webhooks carry out. */
    private static final List<String> SOURCES = List.of(
            "member.enrolled", "member.updated", "member.merged", "member.erased", "consent.changed",
            "purchase.recorded", "return.recorded", "points.expired", "points.adjusted", "coupon.issued",
            "reward.redeemed", "reward.fulfilled", "draw.drawn", "feedback.received");

    private final WebhookStore store;
    private final JsonMapper json;
    private final Tiers tiers;
    private final Programs programs;
    private final Clock clock;

    WebhookReaction(WebhookStore store, JsonMapper json, Tiers tiers, Programs programs, Clock clock) {
        this.store = store;
        this.json = json;
        this.tiers = tiers;
        this.programs = programs;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "webhooks";
    }

    @Override
    public boolean wants(String type) {
        return SOURCES.contains(type);
    }

    @Override
    public void on(Event event) {
        List<WebhookStore.Target> targets = store.targets();
        if (targets.isEmpty()) {
            return;
        }
        boolean tierWanted = targets.stream().anyMatch(t -> t.wants("tier.changed", event.storeId()));
        List<Outgoing> outgoing = expand(event, tierWanted);
        List<WebhookStore.Queued> queued = new ArrayList<>();
        for (int k = 0; k < outgoing.size(); k++) {
            Outgoing out = outgoing.get(k);
            String payload = null;
            for (WebhookStore.Target target : targets) {
                if (target.wants(out.type(), event.storeId())) {
                    if (payload == null) {
                        payload = payload(out.type(), event.occurredAt(), out.data());
                    }
                    queued.add(new WebhookStore.Queued(target.id(), "evt_" + event.id() + "_" + k, out.type(), payload, event.occurredAt()));
                }
            }
        }
        store.queue(queued, OffsetDateTime.now(clock));
    }

    record Outgoing(String type, Map<String, Object> data) {
    }

    /** The webhook events one recorded event stands for, in a fixed order (tier.changed, costly to work out, last). */
    List<Outgoing> expand(Event event, boolean tierWanted) {
        List<Outgoing> out = new ArrayList<>();
        Map<String, Object> base = new LinkedHashMap<>();
        if (event.memberId() != null) {
            base.put("memberId", event.memberId());
        }
        if (event.storeId() != null) {
            base.put("storeId", event.storeId());
        }
        switch (event.type()) {
            case "purchase.recorded" -> {
                Map<String, Object> purchase = new LinkedHashMap<>(base);
                copy(event, purchase, "purchaseId", "receiptId", "total", "pointsEarned", "pointsRedeemed");
                out.add(new Outgoing("purchase.recorded", purchase));
                long purchaseId = event.number("purchaseId");
                if (event.memberId() != null && event.number("pointsEarned") > 0) {
                    out.add(new Outgoing("points.earned", points(event.memberId(), event.number("pointsEarned"), purchaseId)));
                }
                if (event.memberId() != null && event.number("pointsRedeemed") > 0) {
                    out.add(new Outgoing("points.redeemed", points(event.memberId(), event.number("pointsRedeemed"), purchaseId)));
                }
                for (String code : list(event.data().get("couponsUsed"))) {
                    out.add(new Outgoing("coupon.redeemed", coupon(event.memberId(), code, null, purchaseId)));
                }
                for (String issued : list(event.data().get("couponsIssued"))) {
                    int colon = issued.indexOf(':');
                    out.add(new Outgoing("coupon.issued", coupon(event.memberId(), issued.substring(colon + 1),
                            colon < 0 ? null : issued.substring(0, colon), purchaseId)));
                }
                if (tierWanted && event.memberId() != null && event.flag("mayHaveMovedUp")) {
                    tierChange(event).ifPresent(out::add);
                }
            }
            default -> {
                Map<String, Object> data = new LinkedHashMap<>(base);
                data.putAll(event.data());
                out.add(new Outgoing(event.type(), data));
            }
        }
        return out;
    }

    private java.util.Optional<Outgoing> tierChange(Event event) {
        ProgramDefinition program = programs.active().definition();
        if (program.tiers() == null) {
            return java.util.Optional.empty();
        }
        TierStatus after = tiers.status(new MemberId(event.memberId()), program, OffsetDateTime.now(clock));
        String before = event.text("tierBefore");
        if (after == null || after.tier() == null || after.tier().name().equals(before)) {
            return java.util.Optional.empty();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", event.memberId());
        data.put("from", before == null || before.isEmpty() ? null : before);
        data.put("to", after.tier().name());
        data.put("purchaseId", event.number("purchaseId"));
        return java.util.Optional.of(new Outgoing("tier.changed", data));
    }

    private static Map<String, Object> points(long memberId, long points, long purchaseId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", memberId);
        data.put("points", points);
        data.put("purchaseId", purchaseId);
        return data;
    }

    private static Map<String, Object> coupon(Long memberId, String code, String campaign, long purchaseId) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (memberId != null) {
            data.put("memberId", memberId);
        }
        data.put("couponCode", code);
        if (campaign != null) {
            data.put("campaign", campaign);
        }
        data.put("purchaseId", purchaseId);
        return data;
    }

    private static void copy(Event event, Map<String, Object> into, String... keys) {
        for (String key : keys) {
            if (event.data().containsKey(key)) {
                into.put(key, event.data().get(key));
            }
        }
    }

    private static List<String> list(Object value) {
        if (value instanceof List<?> items) {
            return items.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    String payload(String type, OffsetDateTime at, Map<String, Object> data) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", type);
        envelope.put("timestamp", at.toInstant().toString());
        envelope.put("data", data);
        return json.writeValueAsString(envelope);
    }

    static {
        for (String type : SOURCES) {
            if (!WebhookTypes.known(type)) {
                throw new IllegalStateException("Not a webhook type: " + type);
            }
        }
    }
}
