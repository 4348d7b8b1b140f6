package io.patron.rewards;

import java.time.OffsetDateTime;

/**
 * An item of the catalogue. {@code pointsPrice} is its price (null: only in the birthday selection);
 * {@code birthdayPoints} its price as the member's birthday gift (0: free; null: not in the
 * selection); {@code stock} null means unlimited; {@code minTier} the lowest tier that may take it;
 * {@code campaignId} the coupon campaign whose coupon a voucher is.
 */
public record RewardItem(long id, String code, String name, String description, Kind kind, Long pointsPrice, Long birthdayPoints,
                         Integer stock, Integer perMemberLimit, String minTier, OffsetDateTime validFrom, OffsetDateTime validTo,
                         String imageUrl, Long campaignId, Status status, OffsetDateTime createdAt) {

    /** A physical GIFT is handed over at a store; a VOUCHER or PARTNER_VOUCHER is a coupon; a DONATION goes to charity. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "RewardKind")
    public enum Kind { GIFT, VOUCHER, PARTNER_VOUCHER, DONATION }

    @io.swagger.v3.oas.annotations.media.Schema(name = "RewardStatus")
    public enum Status { ACTIVE, RETIRED }

    public boolean voucher() {
        return kind == Kind.VOUCHER || kind == Kind.PARTNER_VOUCHER;
    }
}
