package io.patron.checkout.internal;

/**
 * One step of pricing. Stages run in order and each adds explained adjustments to the context:
 * excluded categories first, then discounts (tiers, rules and coupons, as they arrive), then points
 * as payment, then earning on what is left to pay in money.
 */
interface PricingStage {

    void apply(PricingContext context);
}
