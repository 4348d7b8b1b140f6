package io.patron.partners;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A receipt a partner recorded: points earned on it, points burned as payment, money returned since. */
public record PartnerReceipt(long id, long partnerId, String receiptId, long memberId, String cardNumber, OffsetDateTime occurredAt,
                             OffsetDateTime recordedAt, BigDecimal amount, BigDecimal burnValue, long pointsEarned, long pointsBurned,
                             BigDecimal returnedAmount, String requestHash, String response) {
}
