package io.patron.checkout;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The till's answer to a quote or a commit (PRODUCT.md, "Contract for tills"). A commit adds the
 * purchase id, the coupons issued and the draw tickets; the stored commit answer is replayed as it
 * was for a retried request.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PurchaseResponse(Long purchaseId, String receiptId, OffsetDateTime occurredAt, int programVersion,
                               String currency, MemberSummary member, BigDecimal subtotal, BigDecimal discountTotal,
                               long pointsRedeemed, BigDecimal pointsValue, BigDecimal total, long pointsEarned,
                               long maxRedeemablePoints, List<LineView> lines, List<PricedBasket.AppliedRule> appliedRules,
                               List<CouponView> coupons, List<PricedBasket.Message> messages,
                               List<io.patron.coupons.IssuedCoupon> issuedCoupons, List<io.patron.draws.Draws.Issued> drawTickets,
                               @io.swagger.v3.oas.annotations.media.Schema(description = "On a quote: true when committing this basket "
                                       + "needs the one-time code sent to the member (POST /api/v1/purchases/redemption-codes); absent otherwise")
                               Boolean redemptionCodeRequired) {

    /** This quote, saying that its commit needs a one-time code. */
    PurchaseResponse withCodeRequired() {
        return new PurchaseResponse(purchaseId, receiptId, occurredAt, programVersion, currency, member, subtotal, discountTotal,
                pointsRedeemed, pointsValue, total, pointsEarned, maxRedeemablePoints, lines, appliedRules, coupons, messages,
                issuedCoupons, drawTickets, Boolean.TRUE);
    }

    /** The member as the till needs them, with points as they are after this receipt (for a commit) or now (quote). */
    public record MemberSummary(long id, String cardNumber, String firstName, long pointsAvailable, long pointsPending) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "PricedLine")
    public record LineView(String lineId, BigDecimal quantity, BigDecimal unitPrice, BigDecimal amount, BigDecimal discount,
                           BigDecimal pointsValue, BigDecimal total, boolean excluded) {
        static LineView of(PricedBasket.PricedLine l) {
            return new LineView(l.line().lineId(), l.line().quantity(), l.line().unitPrice(), l.amount(), l.discount(),
                    l.pointsValue(), l.paid(), l.excluded());
        }
    }

    /** What happened to a coupon code the till sent: APPLIED with the money it took off and the points it gave, or REJECTED with a reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CouponView(String code, String status, String reason, BigDecimal discount, Long points) {
        static CouponView of(PricedBasket.CouponResult r) {
            return r.applied() ? new CouponView(r.code(), r.status(), null, r.discount(), r.points())
                    : new CouponView(r.code(), r.status(), r.reason(), null, null);
        }
    }

    static PurchaseResponse of(Long purchaseId, Basket basket, PricedBasket priced, MemberSummary member, boolean commit) {
        return of(purchaseId, basket, priced, member, commit, List.of(), List.of());
    }

    static PurchaseResponse of(Long purchaseId, Basket basket, PricedBasket priced, MemberSummary member, boolean commit,
                               List<io.patron.coupons.IssuedCoupon> issued, List<io.patron.draws.Draws.Issued> tickets) {
        List<CouponView> coupons = priced.coupons().stream().map(CouponView::of).toList();
        return new PurchaseResponse(purchaseId, basket.receiptId(), basket.occurredAt(), priced.programVersion(),
                priced.currency(), member, priced.subtotal(), priced.discountTotal(), priced.pointsRedeemed(),
                priced.pointsValue(), priced.total(), priced.pointsEarned(), priced.maxRedeemablePoints(),
                priced.lines().stream().map(LineView::of).toList(), priced.appliedRules(), coupons, priced.messages(),
                commit ? issued : null, commit ? tickets : null, null);
    }
}
