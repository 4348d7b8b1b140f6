package io.patron.checkout;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What a return gave back: the value of the goods (after discounts), the money to hand back, the
 * redeemed points refunded, and the earned points reversed (or forgiven, when they had expired).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReturnResponse(String returnId, long purchaseId, String receiptId, OffsetDateTime occurredAt,
                             List<LineView> lines, BigDecimal refundedAmount, BigDecimal refundMoney, long pointsRefunded,
                             long pointsReversed, long pointsForgiven, PurchaseResponse.MemberSummary member) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "ReturnedLine")
    public record LineView(String lineId, BigDecimal quantity, BigDecimal refundedAmount) {
    }
}
