package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The programme's base rate: {@code points} per {@code perAmount} of money paid on eligible lines,
 * times the tier's multiplier, rounded once per receipt. Then the rules' points effects, each on the
 * money paid on its own lines and within its caps: a multiplier adds its extra points (x2 and x3
 * together give x4), points per amount add per whole amount, bonus points add. Points pay nothing
 * towards earning: only money earns.
 */
final class BaseEarning implements PricingStage {

    static final String RULE_ID = "base-earning";

    @Override
    public void apply(PricingContext context) {
        BigDecimal paid = paid(context.lines);
        context.eligiblePaid = paid.setScale(2, RoundingMode.UNNECESSARY);
        if (context.member == null || !context.member.active()) {
            return;
        }
        var earning = context.program.definition().earning();
        BigDecimal tierMultiplier = context.tier == null ? BigDecimal.ONE : context.tier.tier().earnMultiplier();
        long points = paid.multiply(BigDecimal.valueOf(earning.points())).multiply(tierMultiplier)
                .divide(earning.perAmount(), 0, earning.rounding()).longValueExact();
        if (points > 0) {
            context.appliedRules.add(PricedBasket.AppliedRule.points(RULE_ID,
                    earning.points() + " per " + earning.perAmount().stripTrailingZeros().toPlainString() + " "
                            + context.program.definition().currency(),
                    "+" + points + " points", points));
        }
        for (PricingContext.PointsEffect effect : context.pointsEffects) {
            ProgramDefinition.Rule rule = effect.rule();
            BigDecimal value = rule.effect().value();
            if (rule.effect().type() == ProgramDefinition.EffectType.DRAW_TICKETS) {
                long tickets = rule.effect().perAmount() == null ? value.longValue()
                        : paid(effect.lines()).divide(rule.effect().perAmount(), 0, RoundingMode.DOWN).multiply(value).longValueExact();
                if (tickets > 0) {
                    context.tickets.add(new PricedBasket.TicketGrant(rule.effect().draw(), (int) Math.min(tickets, 10_000)));
                    RulesStage.given(context, rule, BigDecimal.valueOf(tickets));
                    context.appliedRules.add(PricedBasket.AppliedRule.points(rule.id(), rule.name(), tickets + " x ticket " + rule.effect().draw(), 0));
                }
                continue;
            }
            long extra = switch (rule.effect().type()) {
                case POINTS_MULTIPLIER -> paid(effect.lines()).multiply(BigDecimal.valueOf(earning.points())).multiply(tierMultiplier)
                        .multiply(value.subtract(BigDecimal.ONE)).divide(earning.perAmount(), 0, earning.rounding()).longValueExact();
                case POINTS_PER_AMOUNT -> paid(effect.lines()).divide(rule.effect().perAmount(), 0, RoundingMode.DOWN)
                        .multiply(value).longValueExact();
                case BONUS_POINTS -> value.longValueExact();
                default -> 0;
            };
            BigDecimal cap = RulesStage.left(context, rule);
            if (cap != null) {
                extra = Math.min(extra, cap.setScale(0, RoundingMode.DOWN).longValueExact());
            }
            if (extra <= 0) {
                continue;
            }
            points += extra;
            RulesStage.given(context, rule, BigDecimal.valueOf(extra));
            String how = rule.effect().type() == ProgramDefinition.EffectType.POINTS_MULTIPLIER
                    ? "x" + value.stripTrailingZeros().toPlainString() + " = +" + extra + " points" : "+" + extra + " points";
            context.appliedRules.add(PricedBasket.AppliedRule.points(rule.id(), rule.name(), how, extra));
        }
        points += context.couponPoints;
        context.pointsEarned = points;
    }

    /** Money paid (after discounts and points) on the eligible ones of these lines. */
    private static BigDecimal paid(java.util.List<PricingContext.LineState> lines) {
        return lines.stream().filter(l -> !l.excluded).map(l -> l.net().subtract(l.pointsValue))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
