package io.patron.checkout.internal;

import io.patron.common.ProblemException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * Points as partial payment. At most {@code maxShare} of the eligible lines' value, at most what the
 * member has available, and only from {@code minBalance} on; a member in debt (negative balance)
 * redeems nothing. Asking for more is refused with the maximum, and nothing is applied. The value
 * of the points is spread over the eligible lines in proportion to their value, to the cent.
 */
final class PointsPayment implements PricingStage {

    @Override
    public void apply(PricingContext context) {
        var redemption = context.program.definition().redemption();
        List<PricingContext.LineState> eligible = context.lines.stream().filter(l -> !l.excluded).toList();
        BigDecimal eligibleNet = eligible.stream().map(PricingContext.LineState::net).reduce(BigDecimal.ZERO, BigDecimal::add);
        long byShare = eligibleNet.multiply(redemption.maxShare())
                .divide(redemption.pointValue(), 0, RoundingMode.DOWN).longValueExact();
        long available = context.account == null ? 0 : context.account.available();
        boolean mayRedeem = context.member != null && context.member.active() && available > 0
                && available >= redemption.minBalance();
        long max = mayRedeem ? Math.min(available, byShare) : 0;
        context.maxRedeemablePoints = max;

        long requested = context.basket.pointsToRedeem();
        if (requested == 0) {
            return;
        }
        if (!mayRedeem || requested > available) {
            throw refusal("INSUFFICIENT_POINTS", mayRedeem ? "Only " + available + " points are available."
                    : context.member == null ? "An anonymous sale cannot be paid with points."
                    : "The member has no points that can be redeemed now.", max);
        }
        if (requested > byShare) {
            throw refusal("REDEMPTION_LIMIT_EXCEEDED", "Points may pay at most " + byShare + " points' worth of this receipt.", max);
        }
        context.pointsRedeemed = requested;
        context.pointsValue = redemption.pointValue().multiply(BigDecimal.valueOf(requested)).setScale(2, RoundingMode.DOWN);
        allocate(eligible, eligibleNet, context.pointsValue);
    }

    /** Largest-remainder allocation in cents, so the line shares add up to the total exactly. */
    private static void allocate(List<PricingContext.LineState> lines, BigDecimal base, BigDecimal total) {
        long totalCents = total.movePointRight(2).longValueExact();
        long given = 0;
        long[] cents = new long[lines.size()];
        BigDecimal[] remainders = new BigDecimal[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            BigDecimal exact = total.multiply(lines.get(i).net()).divide(base, 10, RoundingMode.DOWN).movePointRight(2);
            cents[i] = exact.setScale(0, RoundingMode.DOWN).longValueExact();
            remainders[i] = exact.subtract(BigDecimal.valueOf(cents[i]));
            given += cents[i];
        }
        while (given < totalCents) {
            int best = 0;
            for (int i = 1; i < lines.size(); i++) {
                if (remainders[i].compareTo(remainders[best]) > 0) {
                    best = i;
                }
            }
            cents[best]++;
            remainders[best] = BigDecimal.valueOf(-1);
            given++;
        }
        for (int i = 0; i < lines.size(); i++) {
            lines.get(i).pointsValue = BigDecimal.valueOf(cents[i], 2);
        }
    }

    private static ProblemException refusal(String code, String detail, long max) {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, code, detail, List.of(),
                Map.of("maxRedeemablePoints", max));
    }
}
