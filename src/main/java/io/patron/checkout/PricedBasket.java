package io.patron.checkout;

import java.math.BigDecimal;
import java.util.List;

/**
 * The answer of the pricing pipeline for a basket: every line with its discount and the share of
 * the points payment it carries, the rules that applied and what the member earns and may redeem.
 * A quote shows it; a commit records it.
 */
public record PricedBasket(int programVersion, String currency, List<PricedLine> lines, List<AppliedRule> appliedRules,
                           List<Message> messages, long maxRedeemablePoints, long pointsRedeemed, BigDecimal pointsValue,
                           BigDecimal eligiblePaid, long pointsEarned, List<RuleUse> ruleUses, long referrerPoints,
                           List<CouponResult> coupons, List<String> couponsToIssue, List<TicketGrant> tickets) {

    public PricedBasket {
        tickets = List.copyOf(tickets);
        coupons = List.copyOf(coupons);
        couponsToIssue = List.copyOf(couponsToIssue);
        ruleUses = List.copyOf(ruleUses);
        lines = List.copyOf(lines);
        appliedRules = List.copyOf(appliedRules);
        messages = List.copyOf(messages);
    }

    /** The same answer with more lines for the cashier or the receipt. */
    public PricedBasket withMessages(List<Message> more) {
        List<Message> all = new java.util.ArrayList<>(messages);
        all.addAll(more);
        return withOnlyMessages(all);
    }

    public BigDecimal subtotal() {
        return lines.stream().map(PricedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public BigDecimal discountTotal() {
        return lines.stream().map(PricedLine::discount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Money to pay: subtotal less discounts less what points pay. */
    public BigDecimal total() {
        return subtotal().subtract(discountTotal()).subtract(pointsValue);
    }

    /** A line after pricing; {@code paid} is the money part, the one that earns points. */
    public record PricedLine(Basket.BasketLine line, boolean excluded, BigDecimal amount, BigDecimal discount,
                             BigDecimal pointsValue) {
        public BigDecimal net() {
            return amount.subtract(discount);
        }

        public BigDecimal paid() {
            return net().subtract(pointsValue);
        }
    }

    /**
     * A rule that changed the price or the points, with its effect in words and in figures: the
     * money it took off this receipt and the points it gave.
     */
    public record AppliedRule(String id, String name, String effect, BigDecimal discount, long points) {
        public static AppliedRule discount(String id, String name, String effect, BigDecimal discount) {
            return new AppliedRule(id, name, effect, discount, 0);
        }

        public static AppliedRule points(String id, String name, String effect, long points) {
            return new AppliedRule(id, name, effect, BigDecimal.ZERO.setScale(2), points);
        }
    }

    /**
     * What became of a coupon code: APPLIED with the money it took off and the points it gave, or
     * REJECTED with the reason; {@code check} is the coupon it names (null when unknown).
     */
    public record CouponResult(String code, String status, String reason, BigDecimal discount, long points,
                               io.patron.coupons.CouponCheck check) {
        public boolean applied() {
            return "APPLIED".equals(status);
        }
    }

    /** Tickets of a draw (its code or series) a rule gives with the sale. */
    public record TicketGrant(String draw, int count) {
    }

    /** What a capped rule gave on this receipt: money for a discount, points for a points effect. */
    public record RuleUse(String ruleId, BigDecimal amount) {
    }

    /**
     * A line for the cashier's screen or the printed receipt, in the member's language; {@code kind}
     * names a cashier prompt ({@link io.patron.program.ProgramDefinition.Prompt}), null for other lines.
     */
    public record Message(String audience, String text, String kind) {
        public Message(String audience, String text) {
            this(audience, text, null);
        }

        public static Message prompt(io.patron.program.ProgramDefinition.Prompt kind, String text) {
            return new Message("CASHIER", text, kind.name());
        }
    }

    /** The same answer with these lines instead of its own. */
    public PricedBasket withOnlyMessages(List<Message> replaced) {
        return new PricedBasket(programVersion, currency, lines, appliedRules, replaced, maxRedeemablePoints, pointsRedeemed, pointsValue,
                eligiblePaid, pointsEarned, ruleUses, referrerPoints, coupons, couponsToIssue, tickets);
    }
}
