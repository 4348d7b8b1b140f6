package io.patron.checkout;

/** Published in the return's transaction when goods of a purchase came back (never for a replay). */
public record GoodsReturned(long purchaseId, long returnPk, Long memberId) {
}
