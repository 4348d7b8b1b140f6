package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.coupons.Campaign;
import io.patron.coupons.CouponCheck;
import io.patron.coupons.Rejection;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The coupon codes of the basket, in the order the till sent them. A code that failed its checks
 * before pricing keeps its reason; then, against the basket: the store, the minimum basket (the
 * subtotal), the lines it applies to (eligible lines of its categories or SKUs; for a free product,
 * a line of that SKU), and stacking — an EXCLUSIVE coupon goes with no other coupon, two codes of one
 * campaign never go together, a BEST_OF coupon only applies when it beats the discounts already
 * given (which it then replaces). Percent and fixed amounts come off what is left of the lines;
 * bonus points go to {@link BaseEarning}.
 */
final class CouponsStage implements PricingStage {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Override
    public void apply(PricingContext context) {
        if (context.couponChecks == null || context.couponChecks.isEmpty()) {
            return;
        }
        Set<Long> campaigns = new HashSet<>();
        boolean exclusive = false;
        int applied = 0;
        BigDecimal subtotal = context.basket.subtotal();
        String store = context.facts == null ? "" : String.valueOf(context.facts.purchase().get("storeCode"));
        for (CouponCheck check : context.couponChecks) {
            if (!check.usable()) {
                reject(context, check, check.rejection());
                continue;
            }
            Campaign campaign = check.campaign();
            if (campaigns.contains(campaign.id()) || exclusive || applied > 0 && campaign.stacking() == Campaign.Stacking.EXCLUSIVE) {
                reject(context, check, Rejection.NOT_COMBINABLE);
                continue;
            }
            if (!campaign.stores().isEmpty() && !campaign.stores().contains(store.toUpperCase(Locale.ROOT))) {
                reject(context, check, Rejection.NOT_APPLICABLE);
                continue;
            }
            if (campaign.minBasket() != null && subtotal.compareTo(campaign.minBasket()) < 0) {
                reject(context, check, Rejection.MIN_BASKET_NOT_MET);
                continue;
            }
            List<PricingContext.LineState> lines = lines(context, campaign);
            if (lines.isEmpty() || campaign.effect().type() == Campaign.EffectType.BONUS_POINTS && context.member == null) {
                reject(context, check, Rejection.NOT_APPLICABLE);
                continue;
            }
            if (campaign.effect().type() == Campaign.EffectType.BONUS_POINTS) {
                long points = campaign.effect().value().longValue();
                context.couponPoints += points;
                accept(context, check, BigDecimal.ZERO.setScale(2), points, campaigns);
            } else {
                boolean bestOf = campaign.stacking() == Campaign.Stacking.BEST_OF;
                Map<PricingContext.LineState, BigDecimal> discounts = discounts(campaign, lines, !bestOf);
                BigDecimal total = discounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
                if (total.signum() <= 0) {
                    reject(context, check, Rejection.NOT_APPLICABLE);
                    continue;
                }
                if (bestOf) {
                    BigDecimal existing = context.lines.stream().map(l -> l.discount).reduce(BigDecimal.ZERO, BigDecimal::add);
                    if (total.compareTo(existing) <= 0) {
                        reject(context, check, Rejection.NOT_COMBINABLE);
                        continue;
                    }
                    // The coupon beats the tier, the rules and the coupons before it: their discounts go.
                    context.lines.forEach(l -> l.discount = BigDecimal.ZERO.setScale(2));
                    List<String> replaced = context.appliedRules.stream().filter(r -> r.discount().signum() > 0)
                            .map(PricedBasket.AppliedRule::id).toList();
                    context.appliedRules.removeIf(r -> r.discount().signum() > 0);
                    replaced.forEach(context.given::remove);
                    List<PricedBasket.CouponResult> earlier = new ArrayList<>(context.couponResults);
                    context.couponResults.clear();
                    earlier.forEach(r -> context.couponResults.add(r.applied() && r.discount().signum() > 0
                            ? new PricedBasket.CouponResult(r.code(), "REJECTED", Rejection.NOT_COMBINABLE.name(), BigDecimal.ZERO.setScale(2), 0, r.check())
                            : r));
                }
                discounts.forEach((line, d) -> line.discount = line.discount.add(d));
                accept(context, check, total, 0, campaigns);
            }
            applied++;
            exclusive |= campaign.stacking() == Campaign.Stacking.EXCLUSIVE;
        }
    }

    /** The eligible lines the coupon applies to: its categories or SKUs (or, for a free product, its SKU). */
    private static List<PricingContext.LineState> lines(PricingContext context, Campaign campaign) {
        List<PricingContext.LineState> lines = new ArrayList<>();
        for (PricingContext.LineState line : context.lines) {
            if (line.excluded || line.net().signum() <= 0) {
                continue;
            }
            String category = line.line.category() == null ? "" : line.line.category().toLowerCase(Locale.ROOT);
            String sku = line.line.sku() == null ? "" : line.line.sku();
            if (campaign.effect().type() == Campaign.EffectType.FREE_PRODUCT) {
                if (sku.equals(campaign.effect().sku())) {
                    lines.add(line);
                }
                continue;
            }
            if (!campaign.categories().isEmpty() && !campaign.categories().contains(category)
                    || !campaign.skus().isEmpty() && !campaign.skus().contains(sku)) {
                continue;
            }
            lines.add(line);
        }
        return lines;
    }

    private static Map<PricingContext.LineState, BigDecimal> discounts(Campaign campaign, List<PricingContext.LineState> lines,
                                                                     boolean onNet) {
        Map<PricingContext.LineState, BigDecimal> bases = new IdentityHashMap<>();
        lines.forEach(l -> bases.put(l, onNet ? l.net() : l.line.amount()));
        Map<PricingContext.LineState, BigDecimal> discounts = new IdentityHashMap<>();
        switch (campaign.effect().type()) {
            case PERCENT_DISCOUNT -> bases.forEach((line, base) ->
                    discounts.put(line, base.multiply(campaign.effect().value()).divide(HUNDRED, 2, RoundingMode.HALF_UP)));
            case FIXED_DISCOUNT -> {
                BigDecimal room = bases.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
                discounts.putAll(RulesStage.allocate(bases, campaign.effect().value().min(room)));
            }
            case FREE_PRODUCT -> {
                PricingContext.LineState line = lines.getFirst();
                discounts.put(line, line.line.unitPrice().min(bases.get(line)).setScale(2, RoundingMode.HALF_UP));
            }
            case BONUS_POINTS -> { }
        }
        return discounts;
    }

    private static void reject(PricingContext context, CouponCheck check, Rejection reason) {
        context.couponResults.add(new PricedBasket.CouponResult(check.code(), "REJECTED", reason.name(), BigDecimal.ZERO.setScale(2), 0,
                check));
    }

    private static void accept(PricingContext context, CouponCheck check, BigDecimal discount, long points, Set<Long> campaigns) {
        campaigns.add(check.campaign().id());
        context.couponResults.add(new PricedBasket.CouponResult(check.code(), "APPLIED", null, discount, points, check));
    }
}
