package io.patron.coupons;

/**
 * A code the till sent, as far as it can be judged without the basket: found or not, in its time,
 * not used up, for this member. {@code rejection} is null when the basket decides.
 */
public record CouponCheck(String code, Coupon coupon, Campaign campaign, Rejection rejection) {

    public boolean usable() {
        return rejection == null;
    }
}
