package io.patron.checkout;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A till's basket, the same body for quote and commit (PRODUCT.md, "Contract for tills"). Nothing
 * here is trusted: {@link Basket#from} checks every field.
 */
public record PurchaseRequest(String receiptId, OffsetDateTime occurredAt, MemberRef member, List<Line> lines,
                              List<String> couponCodes, Long pointsToRedeem) {

    /** Who is buying: a card number as scanned, or a phone number as told to the cashier. */
    public record MemberRef(String cardNumber, String phone) {
    }

    public record Line(String lineId, String sku, String name, String category, String brand, BigDecimal quantity,
                       BigDecimal unitPrice) {
    }
}
