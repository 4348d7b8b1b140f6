package io.patron.ledger;

import java.time.OffsetDateTime;

/** Earned points with their maturity and expiry; a negative amount is a debt left by a return. */
public record Lot(long id, long memberId, Long purchaseId, long amount, long remaining, OffsetDateTime availableFrom,
                  OffsetDateTime expiresAt, OffsetDateTime createdAt) {

    public boolean availableAt(OffsetDateTime now) {
        return !availableFrom.isAfter(now) && expiresAt.isAfter(now);
    }

    public boolean pendingAt(OffsetDateTime now) {
        return availableFrom.isAfter(now) && expiresAt.isAfter(now);
    }

    public boolean debt() {
        return amount < 0;
    }
}
