package io.patron.webhooks;

import java.util.List;
import java.util.Set;

/**
 * The event types a subscription may ask for: dotted lower-case names, each with a JSON Schema of its
 * {@code data} in {@code docs/webhooks/events.schema.json}. Events carry ids and what changed, never a
 * member's name, e-mail or phone: a receiver that needs more asks the API with the id.
 */
public final class WebhookTypes {

    public static final String TEST = "webhook.test";

    /** Every type a subscription may name, in the order the admin lists them. */
    public static final List<String> ALL = List.of(
            "member.enrolled", "member.updated", "member.merged", "member.erased", "consent.changed",
            "purchase.recorded", "return.recorded",
            "points.earned", "points.redeemed", "points.expired", "points.adjusted",
            "tier.changed", "coupon.issued", "coupon.redeemed",
            "reward.redeemed", "reward.fulfilled", "draw.drawn", "feedback.received");

    private static final Set<String> KNOWN = Set.copyOf(ALL);

    private WebhookTypes() {
    }

    public static boolean known(String type) {
        return KNOWN.contains(type);
    }
}
