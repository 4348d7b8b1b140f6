package io.patron.rewards;

import java.time.OffsetDateTime;

/**
 * A member's redemption of a catalogue item: the points it cost, the coupon it issued (vouchers),
 * and where it stands. A gift goes ORDERED → READY (for pick-up) → HANDED_OVER; a voucher is ISSUED;
 * a donation DONATED; a cancelled one gave its stock and points back.
 */
@io.swagger.v3.oas.annotations.media.Schema(name = "RewardRedemption")
public record Redemption(long id, long itemId, String itemName, long memberId, long points, Integer birthdayYear, String couponCode,
                         Status status, String channel, OffsetDateTime createdAt, OffsetDateTime updatedAt, String updatedBy)
        implements java.io.Serializable {

    @io.swagger.v3.oas.annotations.media.Schema(name = "RewardRedemptionStatus")
    public enum Status { ORDERED, READY, HANDED_OVER, ISSUED, DONATED, CANCELLED }
}
