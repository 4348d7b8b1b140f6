package io.patron.checkout;

/**
 * Published in the commit's transaction when a purchase was recorded (never for a retried request).
 * {@code history} marks a sale of a history replay (not a live one: no mails for it); {@code tierBefore}
 * is the member's tier before the sale and {@code mayHaveMovedUp} whether the sale reached what was
 * needed for the next tier, so that listeners work tiers out again only then.
 */
public record PurchaseCompleted(long purchaseId, Long memberId, long storeId, boolean history, String tierBefore,
                                boolean mayHaveMovedUp) {
}
