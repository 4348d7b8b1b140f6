package io.patron.checkout;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A till's basket, the same body for quote and commit (PRODUCT.md, "Contract for tills"). Nothing
 * here is trusted: {@link Basket#from} checks every field.
 */
public record PurchaseRequest(@io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, maxLength = 64, pattern = "^[\\p{Alnum}._:/#-]{1,64}$") String receiptId,
                              @io.swagger.v3.oas.annotations.media.Schema(description = "When the sale happened (default: now); at most the offline window in the past") OffsetDateTime occurredAt,
                              @io.swagger.v3.oas.annotations.media.Schema(description = "Absent for an anonymous sale") MemberRef member,
                              @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, minLength = 1) @io.swagger.v3.oas.annotations.media.ArraySchema(minItems = 1, maxItems = Basket.LINES_MAX) List<Line> lines,
                              @io.swagger.v3.oas.annotations.media.ArraySchema(maxItems = Basket.COUPONS_MAX) List<String> couponCodes,
                              @io.swagger.v3.oas.annotations.media.Schema(minimum = "0", maximum = "1000000000") Long pointsToRedeem,
                              @io.swagger.v3.oas.annotations.media.Schema(description = "The one-time code the member was sent, when the quote "
                                      + "answered redemptionCodeRequired (see POST /api/v1/purchases/redemption-codes)", maxLength = 12)
                              String redemptionCode) {

    public PurchaseRequest(String receiptId, OffsetDateTime occurredAt, MemberRef member, List<Line> lines, List<String> couponCodes,
                           Long pointsToRedeem) {
        this(receiptId, occurredAt, member, lines, couponCodes, pointsToRedeem, null);
    }

    /** Who is buying: a card number as scanned, or a phone number as told to the cashier. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "MemberRef")
    public record MemberRef(String cardNumber, String phone) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "PurchaseLine")
    public record Line(@io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, maxLength = 64) String lineId, @io.swagger.v3.oas.annotations.media.Schema(maxLength = 64) String sku, @io.swagger.v3.oas.annotations.media.Schema(maxLength = 200) String name,
                       @io.swagger.v3.oas.annotations.media.Schema(maxLength = 64) String category, @io.swagger.v3.oas.annotations.media.Schema(maxLength = 64) String brand,
                       @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, minimum = "0", exclusiveMinimum = true, maximum = "100000") BigDecimal quantity,
                       @io.swagger.v3.oas.annotations.media.Schema(requiredMode = io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED, minimum = "0", maximum = "10000000") BigDecimal unitPrice) {
    }
}
