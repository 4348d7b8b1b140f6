package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.program.ProgramDefinition;
import io.patron.program.ProgramDefinition.Rule;
import io.patron.program.RuleConditions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The marketer's rules, highest priority first. Discounts of BEST_OF rules compete with the tier
 * discount (the largest of them is kept, the others are not given); STACK discounts come on top;
 * an EXCLUSIVE rule that applies ends the evaluation. Points multipliers multiply, bonus points add.
 * Excluded categories never get a discount.
 */
final class RulesStage implements PricingStage {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Override
    public void apply(PricingContext context) {
        List<Rule> rules = context.program.definition().rules().stream().filter(Rule::on)
                .sorted(Comparator.comparingInt(Rule::order).reversed()).toList();
        if (rules.isEmpty() || context.facts == null || context.member != null && !context.member.active()) {
            return;
        }
        List<Rule> applied = new ArrayList<>();
        for (Rule rule : rules) {
            if (RuleConditions.test(rule.condition(), context.facts.purchase(), context.facts.member())) {
                applied.add(rule);
                if (rule.stacking() == ProgramDefinition.Stacking.EXCLUSIVE) {
                    break;
                }
            }
        }
        Rule bestOf = null;
        Map<PricingContext.LineState, BigDecimal> best = null;
        BigDecimal bestTotal = context.tierDiscounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        for (Rule rule : applied) {
            if (rule.effect().type() == ProgramDefinition.EffectType.PERCENT_DISCOUNT && rule.stacking() == ProgramDefinition.Stacking.BEST_OF) {
                Map<PricingContext.LineState, BigDecimal> discounts = discounts(context, rule, false);
                BigDecimal total = sum(discounts);
                if (total.compareTo(bestTotal) > 0) {
                    bestOf = rule;
                    best = discounts;
                    bestTotal = total;
                }
            }
        }
        if (bestOf != null) {
            // The rule beats the tier: the tier's discount is taken back and the rule's given instead.
            context.tierDiscounts.forEach((line, d) -> line.discount = line.discount.subtract(d));
            context.appliedRules.removeIf(r -> r.id().equals("tier"));
            best.forEach((line, d) -> line.discount = line.discount.add(d));
            context.appliedRules.add(discountApplied(bestOf, sum(best)));
        }
        for (Rule rule : applied) {
            switch (rule.effect().type()) {
                case PERCENT_DISCOUNT -> {
                    if (rule.stacking() != ProgramDefinition.Stacking.BEST_OF) {
                        Map<PricingContext.LineState, BigDecimal> discounts = discounts(context, rule, true);
                        discounts.forEach((line, d) -> line.discount = line.discount.add(d));
                        if (sum(discounts).signum() > 0) {
                            context.appliedRules.add(discountApplied(rule, sum(discounts)));
                        }
                    }
                }
                case POINTS_MULTIPLIER -> {
                    if (context.member != null) {
                        context.ruleMultiplier = context.ruleMultiplier.multiply(rule.effect().value());
                        context.appliedRules.add(new PricedBasket.AppliedRule(rule.id(), rule.name(),
                                "x" + rule.effect().value().stripTrailingZeros().toPlainString() + " points"));
                    }
                }
                case BONUS_POINTS -> {
                    if (context.member != null) {
                        context.bonusPoints += rule.effect().value().longValueExact();
                        context.appliedRules.add(new PricedBasket.AppliedRule(rule.id(), rule.name(),
                                "+" + rule.effect().value().toPlainString() + " points"));
                    }
                }
            }
        }
    }

    /** A rule's percent off each line it covers: of the line's amount (BEST_OF) or of what is left after other discounts (STACK). */
    private static Map<PricingContext.LineState, BigDecimal> discounts(PricingContext context, Rule rule, boolean onNet) {
        Map<PricingContext.LineState, BigDecimal> discounts = new IdentityHashMap<>();
        List<String> categories = rule.effect().categories();
        for (PricingContext.LineState line : context.lines) {
            String category = line.line.category() == null ? "" : line.line.category().toLowerCase(java.util.Locale.ROOT);
            if (line.excluded || !categories.isEmpty() && !categories.contains(category)) {
                continue;
            }
            BigDecimal base = onNet ? line.net() : line.line.amount();
            discounts.put(line, base.multiply(rule.effect().value()).divide(HUNDRED, 2, RoundingMode.HALF_UP));
        }
        return discounts;
    }

    private static BigDecimal sum(Map<PricingContext.LineState, BigDecimal> discounts) {
        return discounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static PricedBasket.AppliedRule discountApplied(Rule rule, BigDecimal total) {
        return new PricedBasket.AppliedRule(rule.id(), rule.name(),
                "-" + rule.effect().value().stripTrailingZeros().toPlainString() + " % = -" + total.toPlainString());
    }
}
