package io.patron.checkout.internal;

import io.patron.checkout.Basket;
import io.patron.checkout.PricedBasket;
import io.patron.checkout.TierStatus;
import io.patron.ledger.PointsAccount;
import io.patron.members.Member;
import io.patron.program.ActiveProgram;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The working state of one pricing run: the basket, who buys, the programme and the lines so far. */
final class PricingContext {

    final Basket basket;
    final Member member;
    final PointsAccount account;
    final ActiveProgram program;
    final TierStatus tier;
    final List<LineState> lines = new ArrayList<>();
    final List<PricedBasket.AppliedRule> appliedRules = new ArrayList<>();
    final List<PricedBasket.Message> messages = new ArrayList<>();
    final PurchaseFacts facts;
    final RuleLimits limits;
    /** Points effects of the rules that applied, with their lines; BaseEarning computes them on the money paid. */
    final List<PointsEffect> pointsEffects = new ArrayList<>();
    /** What each capped rule gave on this receipt (money or points), to be counted against its caps. */
    final java.util.Map<String, BigDecimal> given = new java.util.LinkedHashMap<>();
    long referrerPoints;
    /** The coupon codes of the basket as checked before pricing, and what became of each. */
    final List<io.patron.coupons.CouponCheck> couponChecks;
    final List<PricedBasket.CouponResult> couponResults = new ArrayList<>();
    long couponPoints;
    /** Campaign codes of coupons the rules give the member with this sale. */
    final List<String> couponsToIssue = new ArrayList<>();
    /** Draw tickets the rules give the member with this sale. */
    final List<PricedBasket.TicketGrant> tickets = new ArrayList<>();
    /** The tier's discount per line, so that a BEST_OF rule can replace it. */
    final java.util.Map<LineState, BigDecimal> tierDiscounts = new java.util.IdentityHashMap<>();
    long maxRedeemablePoints;
    long pointsRedeemed;
    BigDecimal pointsValue = BigDecimal.ZERO.setScale(2);
    BigDecimal eligiblePaid = BigDecimal.ZERO.setScale(2);
    long pointsEarned;

    PricingContext(Basket basket, Member member, PointsAccount account, ActiveProgram program, TierStatus tier,
                   PurchaseFacts facts, RuleLimits limits, List<io.patron.coupons.CouponCheck> couponChecks) {
        this.limits = limits;
        this.couponChecks = couponChecks;
        this.tier = tier;
        this.facts = facts;
        this.basket = basket;
        this.member = member;
        this.account = account;
        this.program = program;
        basket.lines().forEach(l -> lines.add(new LineState(l)));
    }

    PricedBasket result() {
        return new PricedBasket(program.version(), program.definition().currency(),
                lines.stream().map(LineState::priced).toList(), appliedRules, messages, maxRedeemablePoints,
                pointsRedeemed, pointsValue, eligiblePaid, pointsEarned,
                given.entrySet().stream().map(e -> new PricedBasket.RuleUse(e.getKey(), e.getValue())).toList(),
                referrerPoints, couponResults, couponsToIssue, tickets);
    }

    /** A rule's points effect and the lines it covers. */
    record PointsEffect(io.patron.program.ProgramDefinition.Rule rule, List<LineState> lines) {
    }

    /** A line being priced. */
    static final class LineState {
        final Basket.BasketLine line;
        boolean excluded;
        BigDecimal discount = BigDecimal.ZERO.setScale(2);
        BigDecimal pointsValue = BigDecimal.ZERO.setScale(2);

        private java.util.Map<String, Object> facts;

        LineState(Basket.BasketLine line) {
            this.line = line;
        }

        /** What line conditions see of this line (built once per line, on first use). */
        java.util.Map<String, Object> facts() {
            if (facts == null) {
                facts = PurchaseFacts.line(line);
            }
            return facts;
        }

        BigDecimal net() {
            return line.amount().subtract(discount);
        }

        PricedBasket.PricedLine priced() {
            return new PricedBasket.PricedLine(line, excluded, line.amount(), discount, pointsValue);
        }
    }
}
