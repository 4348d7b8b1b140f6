package io.patron.coupons;

import java.time.OffsetDateTime;

/** One code of a campaign; personal when it has a member; {@code uses} counts the uses not given back. */
public record Coupon(long id, long campaignId, String code, Long memberId, int uses, Status status, OffsetDateTime validFrom,
                     OffsetDateTime validTo, OffsetDateTime issuedAt, Long issuedPurchaseId) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "CouponStatus")
    public enum Status { ACTIVE, VOID }
}
