package io.patron.coupons;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A coupon handed to a member (on the receipt, in the portal): its code, what it gives and until when. */
public record IssuedCoupon(String code, String campaign, String name, Campaign.EffectType type, BigDecimal value,
                           OffsetDateTime validFrom, OffsetDateTime validTo) {
}
