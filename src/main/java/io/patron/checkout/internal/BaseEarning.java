package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The programme's base rate: {@code points} per {@code perAmount} of money paid on eligible lines,
 * rounded once per receipt. Points pay nothing towards earning: only money earns.
 */
final class BaseEarning implements PricingStage {

    static final String RULE_ID = "base-earning";

    @Override
    public void apply(PricingContext context) {
        BigDecimal paid = context.lines.stream().filter(l -> !l.excluded)
                .map(l -> l.net().subtract(l.pointsValue)).reduce(BigDecimal.ZERO, BigDecimal::add);
        context.eligiblePaid = paid.setScale(2, RoundingMode.UNNECESSARY);
        if (context.member == null || !context.member.active()) {
            return;
        }
        var earning = context.program.definition().earning();
        BigDecimal multiplier = (context.tier == null ? BigDecimal.ONE : context.tier.tier().earnMultiplier())
                .multiply(context.ruleMultiplier);
        long points = paid.multiply(BigDecimal.valueOf(earning.points())).multiply(multiplier)
                .divide(earning.perAmount(), 0, earning.rounding()).longValueExact();
        points += context.bonusPoints;
        context.pointsEarned = points;
        if (points > 0) {
            context.appliedRules.add(new PricedBasket.AppliedRule(RULE_ID,
                    earning.points() + " per " + earning.perAmount().stripTrailingZeros().toPlainString() + " "
                            + context.program.definition().currency(),
                    "+" + points + " points"));
        }
    }
}
