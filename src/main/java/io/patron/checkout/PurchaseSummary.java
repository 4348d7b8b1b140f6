package io.patron.checkout;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A purchase in a list: where, when, how much, and the points it moved. */
public record PurchaseSummary(long id, long storeId, String storeCode, String receiptId, Long memberId,
                              OffsetDateTime occurredAt, BigDecimal subtotal, BigDecimal total, long pointsEarned,
                              long pointsRedeemed) {
}
