package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.program.ProgramDefinition.Caps;
import io.patron.program.ProgramDefinition.EffectType;
import io.patron.program.ProgramDefinition.Rule;
import io.patron.program.ProgramDefinition.Stacking;
import io.patron.program.RuleConditions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The marketer's rules, highest priority first (ties in document order). A rule applies when it is
 * enabled, the sale falls in its schedule, its per-member caps leave room, its budget is not spent
 * and its condition holds; its effect covers the eligible lines its categories and line condition
 * select (a rule that names lines — or a discount or line-bound points effect — with no such line
 * does not apply). Discounts of
 * BEST_OF rules compete with the tier discount (the largest is kept, the others are not given);
 * STACK discounts come on top; an EXCLUSIVE rule that applies ends the evaluation. Points effects
 * are computed by {@link BaseEarning} on the money finally paid. Excluded categories never get a
 * discount.
 */
final class RulesStage implements PricingStage {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Override
    public void apply(PricingContext context) {
        if (context.facts == null || context.member != null && !context.member.active()) {
            return;
        }
        List<Rule> rules = context.program.definition().rules().stream().filter(Rule::on)
                .sorted(Comparator.comparingInt(Rule::order).reversed()).toList();
        Map<Rule, List<PricingContext.LineState>> applied = new LinkedHashMap<>();
        for (Rule rule : rules) {
            if (!applies(context, rule)) {
                continue;
            }
            List<PricingContext.LineState> lines = lines(context, rule);
            // A rule that names lines (a line condition or categories) applies only when a line matches.
            boolean lineBound = rule.effect().type() != EffectType.BONUS_POINTS && rule.effect().type() != EffectType.ISSUE_COUPON
                    || rule.lineCondition() != null || !rule.effect().categories().isEmpty();
            if (lineBound && lines.isEmpty()) {
                continue;
            }
            applied.put(rule, lines);
            if (rule.stacking() == Stacking.EXCLUSIVE) {
                break;
            }
        }
        bestOf(context, applied);
        for (var entry : applied.entrySet()) {
            Rule rule = entry.getKey();
            if (rule.effect().discount()) {
                if (rule.stacking() != Stacking.BEST_OF) {
                    Map<PricingContext.LineState, BigDecimal> discounts = discounts(context, rule, entry.getValue(), true);
                    discounts.forEach((line, d) -> line.discount = line.discount.add(d));
                    BigDecimal total = sum(discounts);
                    if (total.signum() > 0) {
                        given(context, rule, total);
                        context.appliedRules.add(discountApplied(rule, total));
                    }
                }
            } else if (rule.effect().type() == EffectType.ISSUE_COUPON) {
                if (context.member != null) {
                    int count = rule.effect().value().intValue();
                    for (int i = 0; i < count; i++) {
                        context.couponsToIssue.add(rule.effect().campaign());
                    }
                    given(context, rule, BigDecimal.valueOf(count));
                    context.appliedRules.add(PricedBasket.AppliedRule.points(rule.id(), rule.name(),
                            count + " x coupon " + rule.effect().campaign(), 0));
                }
            } else if (context.member != null) {
                context.pointsEffects.add(new PricingContext.PointsEffect(rule, entry.getValue()));
            }
        }
    }

    /** Whether the rule's schedule, caps and condition let it apply to this sale. */
    private static boolean applies(PricingContext context, Rule rule) {
        if (rule.schedule() != null && !rule.schedule().covers(context.facts.local())) {
            return false;
        }
        Caps caps = rule.caps();
        if (caps != null) {
            boolean perMember = caps.perMemberPerDay() != null || caps.perMemberPerWeek() != null || caps.perMemberPerMonth() != null;
            if (perMember && (context.member == null
                    || reached(context, rule, caps.perMemberPerDay(), RuleLimits.Period.DAY)
                    || reached(context, rule, caps.perMemberPerWeek(), RuleLimits.Period.WEEK)
                    || reached(context, rule, caps.perMemberPerMonth(), RuleLimits.Period.MONTH))) {
                return false;
            }
            if (caps.budget() != null && left(context, rule).signum() <= 0) {
                return false;
            }
        }
        return RuleConditions.test(rule.condition(), context.facts.purchase(), context.facts.member());
    }

    private static boolean reached(PricingContext context, Rule rule, Integer cap, RuleLimits.Period period) {
        return cap != null && context.limits.uses(rule.id(), period) >= cap;
    }

    /** What the rule may still give on this receipt: the smaller of its per-receipt cap and what is left of its budget. */
    static BigDecimal left(PricingContext context, Rule rule) {
        Caps caps = rule.caps();
        BigDecimal left = null;
        if (caps != null && caps.perReceipt() != null) {
            left = caps.perReceipt();
        }
        if (caps != null && caps.budget() != null) {
            BigDecimal budget = caps.budget().subtract(context.limits.budgetUsed(rule.id())).max(BigDecimal.ZERO);
            left = left == null ? budget : left.min(budget);
        }
        return left;
    }

    /** Counts what a capped rule gave, so that the commit can count it against its caps. */
    static void given(PricingContext context, Rule rule, BigDecimal amount) {
        if (rule.capped()) {
            context.given.merge(rule.id(), amount, BigDecimal::add);
        }
    }

    /** The eligible lines the rule covers: its categories (if any) and its line condition (if any). */
    private static List<PricingContext.LineState> lines(PricingContext context, Rule rule) {
        List<String> categories = rule.effect().categories();
        List<PricingContext.LineState> lines = new ArrayList<>();
        for (PricingContext.LineState line : context.lines) {
            String category = line.line.category() == null ? "" : line.line.category().toLowerCase(Locale.ROOT);
            if (line.excluded || !categories.isEmpty() && !categories.contains(category)) {
                continue;
            }
            if (rule.lineCondition() != null && !RuleConditions.testLine(rule.lineCondition(), context.facts.purchase(),
                    context.facts.member(), line.facts())) {
                continue;
            }
            lines.add(line);
        }
        return lines;
    }

    /** The largest of the tier discount and the BEST_OF discounts is given; the others are not. */
    private static void bestOf(PricingContext context, Map<Rule, List<PricingContext.LineState>> applied) {
        Rule bestOf = null;
        Map<PricingContext.LineState, BigDecimal> best = null;
        BigDecimal bestTotal = sum(context.tierDiscounts);
        for (var entry : applied.entrySet()) {
            Rule rule = entry.getKey();
            if (rule.effect().discount() && rule.stacking() == Stacking.BEST_OF) {
                Map<PricingContext.LineState, BigDecimal> discounts = discounts(context, rule, entry.getValue(), false);
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
            given(context, bestOf, bestTotal);
            context.appliedRules.add(discountApplied(bestOf, bestTotal));
        }
    }

    /**
     * A discount rule's money off each line it covers, of the line's amount (BEST_OF) or of what is
     * left after other discounts (STACK), within its caps.
     */
    private static Map<PricingContext.LineState, BigDecimal> discounts(PricingContext context, Rule rule,
                                                                     List<PricingContext.LineState> lines, boolean onNet) {
        Map<PricingContext.LineState, BigDecimal> bases = new IdentityHashMap<>();
        for (PricingContext.LineState line : lines) {
            bases.put(line, onNet ? line.net() : line.line.amount());
        }
        BigDecimal room = sum(bases);
        Map<PricingContext.LineState, BigDecimal> discounts = new IdentityHashMap<>();
        if (rule.effect().type() == EffectType.PERCENT_DISCOUNT) {
            bases.forEach((line, base) -> discounts.put(line, base.multiply(rule.effect().value()).divide(HUNDRED, 2, RoundingMode.HALF_UP)));
        } else {
            discounts.putAll(allocate(bases, rule.effect().value().min(room)));
        }
        BigDecimal cap = left(context, rule);
        if (cap != null && sum(discounts).compareTo(cap) > 0) {
            return allocate(discounts, cap.setScale(2, RoundingMode.DOWN));
        }
        return discounts;
    }

    /**
     * Spreads {@code total} over the lines in proportion to their weights, in cents, so that the parts
     * add up to exactly {@code total} (largest remainders get the odd cents) and none exceeds its weight.
     */
    static Map<PricingContext.LineState, BigDecimal> allocate(Map<PricingContext.LineState, BigDecimal> weights, BigDecimal total) {
        Map<PricingContext.LineState, BigDecimal> parts = new IdentityHashMap<>();
        BigDecimal whole = sum(weights);
        if (whole.signum() == 0 || total.signum() <= 0) {
            weights.keySet().forEach(l -> parts.put(l, BigDecimal.ZERO.setScale(2)));
            return parts;
        }
        long cents = total.movePointRight(2).setScale(0, RoundingMode.DOWN).longValueExact();
        long given = 0;
        List<Map.Entry<PricingContext.LineState, BigDecimal>> remainders = new ArrayList<>();
        for (var entry : weights.entrySet()) {
            BigDecimal exact = entry.getValue().movePointRight(2).multiply(BigDecimal.valueOf(cents)).divide(whole.movePointRight(2), 10, RoundingMode.DOWN);
            long part = exact.setScale(0, RoundingMode.DOWN).longValueExact();
            parts.put(entry.getKey(), BigDecimal.valueOf(part, 2));
            given += part;
            remainders.add(Map.entry(entry.getKey(), exact.subtract(BigDecimal.valueOf(part))));
        }
        remainders.sort(Map.Entry.<PricingContext.LineState, BigDecimal>comparingByValue().reversed());
        for (int i = 0; given < cents && i < remainders.size(); i++) {
            PricingContext.LineState line = remainders.get(i).getKey();
            BigDecimal raised = parts.get(line).add(BigDecimal.valueOf(1, 2));
            if (raised.compareTo(weights.get(line)) <= 0) {
                parts.put(line, raised);
                given++;
            }
        }
        return parts;
    }

    private static BigDecimal sum(Map<PricingContext.LineState, BigDecimal> amounts) {
        return amounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static PricedBasket.AppliedRule discountApplied(Rule rule, BigDecimal total) {
        String effect = rule.effect().type() == EffectType.PERCENT_DISCOUNT
                ? "-" + rule.effect().value().stripTrailingZeros().toPlainString() + " % = -" + total.toPlainString()
                : "-" + total.toPlainString();
        return PricedBasket.AppliedRule.discount(rule.id(), rule.name(), effect, total);
    }
}
