package io.patron.sms;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * A text message in the outbox. CAPTURED messages were kept instead of sent because no provider is
 * configured (the embedded default); PENDING ones wait for the sender; SENT ones were accepted by the
 * provider and become DELIVERED or UNDELIVERED when its delivery report comes; FAILED ones were given up;
 * REFUSED ones were never sent (no consent for marketing, or over a rate limit).
 */
public record SmsMessage(long id, OffsetDateTime createdAt, String kind, Long memberId, String recipient, String text,
                         boolean marketing, SmsText.Encoding encoding, int parts, BigDecimal cost, Status status,
                         int attempts, String provider, String providerId, String lastError, OffsetDateTime sentAt,
                         OffsetDateTime reportedAt, String secret) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "SmsStatus")
    public enum Status { PENDING, CAPTURED, SENT, DELIVERED, UNDELIVERED, FAILED, REFUSED }

    /** The text as it goes out: the secret in place of its mark. */
    public String delivered() {
        return secret == null ? text : text.replace(Sms.SECRET_MARK, secret);
    }
}
