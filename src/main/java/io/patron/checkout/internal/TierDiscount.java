package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** The member's tier discount on every eligible line (excluded categories get none). */
final class TierDiscount implements PricingStage {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Override
    public void apply(PricingContext context) {
        if (context.tier == null || context.member == null || !context.member.active()) {
            return;
        }
        BigDecimal percent = context.tier.tier().discountPercent();
        if (percent.signum() == 0) {
            return;
        }
        BigDecimal total = BigDecimal.ZERO;
        for (PricingContext.LineState line : context.lines) {
            if (line.excluded) {
                continue;
            }
            BigDecimal discount = line.net().multiply(percent).divide(HUNDRED, 2, RoundingMode.HALF_UP);
            line.discount = line.discount.add(discount);
            context.tierDiscounts.put(line, discount);
            total = total.add(discount);
        }
        if (total.signum() > 0) {
            context.appliedRules.add(PricedBasket.AppliedRule.discount("tier", context.tier.tier().name(),
                    "-" + percent.stripTrailingZeros().toPlainString() + " % = -" + total.toPlainString(), total));
        }
    }
}
