package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import java.math.BigDecimal;

/**
 * The referral bonus: on a referred newcomer's first purchase that reaches the programme's minimum
 * (after discounts), the newcomer earns their bonus with it and the referrer's bonus is noted for
 * the commit to credit. Once: the purchase count only grows, returned purchases included.
 */
final class ReferralBonus implements PricingStage {

    static final String RULE_ID = "referral";

    @Override
    public void apply(PricingContext context) {
        var referral = context.program.definition().referral();
        if (referral == null || context.member == null || !context.member.active() || context.member.referredBy() == null
                || context.facts == null || !Long.valueOf(0).equals(context.facts.member().get("purchaseCount"))) {
            return;
        }
        BigDecimal spent = context.lines.stream().map(PricingContext.LineState::net).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (spent.compareTo(referral.minimumPurchase()) < 0) {
            return;
        }
        context.pointsEarned += referral.newcomerPoints();
        context.referrerPoints = referral.referrerPoints();
        context.appliedRules.add(PricedBasket.AppliedRule.points(RULE_ID, "Referral",
                "+" + referral.newcomerPoints() + " points; referrer +" + referral.referrerPoints(), referral.newcomerPoints()));
    }
}
