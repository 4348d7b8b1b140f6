package io.patron.journeys;

import java.time.OffsetDateTime;

/**
 * One occurrence of a journey for a member and what became of it: QUEUED (the mail is in the outbox),
 * NO_CONSENT or THROTTLED (a marketing mail that was not sent), NO_EMAIL.
 */
public record JourneySend(long id, String kind, long memberId, String occurrence, String status, Long outboxId,
                          OffsetDateTime createdAt) {
}
