package io.patron.messaging;

import java.time.OffsetDateTime;

/**
 * A queued or sent e-mail. CAPTURED mails were kept in the outbox instead of being sent because no
 * SMTP server is configured (the embedded default); PENDING ones wait for the sender; SENT and FAILED
 * are final.
 */
public record OutboxEntry(long id, OffsetDateTime createdAt, String kind, Long memberId, String recipient,
                          String subject, String text, String html, Status status, int attempts,
                          OffsetDateTime sentAt, String lastError, boolean marketing, String listUnsubscribe) {

    public enum Status { PENDING, CAPTURED, SENT, FAILED }
}
