package io.patron.webhooks;

import java.time.OffsetDateTime;

/**
 * One event for one subscription: its message id (the {@code webhook-id} header, the same on every
 * attempt and redelivery, for the receiver to de-duplicate by), its type and body, and where it stands:
 * PENDING (waiting or being retried), DELIVERED (a 2xx answer), FAILED (given up after a day).
 */
public record WebhookDelivery(long id, long subscriptionId, String messageId, String type, String payload, OffsetDateTime occurredAt,
                              Status status, int attempts, OffsetDateTime nextAttemptAt, OffsetDateTime finishedAt) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "WebhookDeliveryStatus")
    public enum Status { PENDING, DELIVERED, FAILED }

    /** One try: the HTTP status (null when no answer came), how long it took and the answer's first bytes or the error. */
    public record Attempt(long id, OffsetDateTime attemptedAt, Integer statusCode, int latencyMillis, String response, String error) {
    }
}
