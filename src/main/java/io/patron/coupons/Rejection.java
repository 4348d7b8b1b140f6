package io.patron.coupons;

/** Why a coupon code was not applied (the till contract's reasons). */
public enum Rejection {
    NOT_FOUND, EXPIRED, NOT_STARTED, USED_UP, NOT_FOR_THIS_MEMBER, MIN_BASKET_NOT_MET, NOT_APPLICABLE, NOT_COMBINABLE
}
