package io.patron.members;

import java.time.OffsetDateTime;

/** A physical or virtual card of a member. A lost card is blocked, never deleted, so old receipts still resolve. */
public record Card(long id, CardNumber number, MemberId memberId, CardStatus status, OffsetDateTime issuedAt,
                   OffsetDateTime blockedAt, String blockReason) {

    public enum CardStatus { ACTIVE, BLOCKED }

    public boolean active() {
        return status == CardStatus.ACTIVE;
    }
}
