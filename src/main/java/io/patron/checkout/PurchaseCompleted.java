package io.patron.checkout;

/** Published in the commit's transaction when a purchase was recorded (never for a replay). */
public record PurchaseCompleted(long purchaseId, Long memberId, long storeId) {
}
