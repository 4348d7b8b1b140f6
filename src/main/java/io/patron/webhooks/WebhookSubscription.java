package io.patron.webhooks;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A receiver of events: where they go, which types, optionally only one store's, whether it is
 * enabled (a paused subscription keeps its events waiting and sends them in order when enabled again),
 * and since when its deliveries fail for good (a delivery gave up after a day of retries; cleared by
 * the next delivery that succeeds). The signing secret is never shown after it was created or rotated.
 */
public record WebhookSubscription(long id, String url, String description, List<String> events, Long storeId, boolean enabled,
                                  OffsetDateTime failingSince, OffsetDateTime previousSecretUntil, OffsetDateTime createdAt,
                                  String createdBy, long waiting, long failed) {

    public WebhookSubscription {
        events = List.copyOf(events);
    }

    public boolean wants(String type, Long eventStoreId) {
        return events.contains(type) && (storeId == null || storeId.equals(eventStoreId));
    }
}
