package io.patron.checkout;

import io.patron.checkout.internal.PurchaseRepository.StoredLine;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a purchase keeps after goods came back, worked out from what remains of it — never from what
 * rounding left over. Each grant of the sale (points, draw tickets, coupons for the next visit, the
 * referrer's bonus) is kept only as far as both of these allow:
 * <ul>
 *   <li>its share of the money still paid on eligible lines, rounded down (a 0.01 line left of a
 *       1,000.00 receipt keeps nothing of 100 points, not 1);</li>
 *   <li>what the purchase's own programme version gives the remaining lines when it prices them again
 *       as they were sold (same time, same tier, same place in the member's history): a bonus for
 *       receipts from 1,000 is gone when 600 remain, and so is the coupon for the next visit or the
 *       referral bonus whose minimum is no longer reached.</li>
 * </ul>
 * The till and the back-test use this one rule, so a replayed history and its back-test agree.
 */
final class ReturnSettlement {

    private ReturnSettlement() {
    }

    /** What the sale gave: points, tickets and coupons by draw and campaign, the referrer's bonus. */
    record Grants(long points, Map<String, Integer> tickets, Map<String, Integer> coupons, long referrerPoints) {
    }

    /** What the sale keeps: never more of anything than it gave. */
    record Kept(long points, Map<String, Integer> tickets, Map<String, Integer> coupons, boolean referral) {
        static final Kept NOTHING = new Kept(0, Map.of(), Map.of(), false);
    }

    /**
     * @param remainder the remaining lines priced again by the purchase's programme version, asked for
     *                  only when something remains; null from the supplier when it cannot be priced
     *                  (then the shares alone decide)
     * @param ticketDraw the draw a priced ticket grant (a draw code or series) goes to, as the sale's own
     *                   tickets are keyed
     */
    static Kept kept(Grants granted, List<StoredLine> lines, Map<Integer, BigDecimal> returned, BigDecimal eligiblePaid,
                     Supplier<PricedBasket> remainder, java.util.function.Function<String, String> ticketDraw) {
        if (Checkout.fullyReturned(lines, returned)) {
            return Kept.NOTHING;
        }
        BigDecimal[] share = remainingShare(lines, returned, eligiblePaid);
        PricedBasket again = remainder.get();
        long points = Math.min(granted.points(), proportion(granted.points(), share));
        Map<String, Integer> tickets = new HashMap<>();
        Map<String, Integer> coupons = new HashMap<>();
        boolean referral = granted.referrerPoints() > 0;
        if (again != null) {
            points = Math.min(points, again.pointsEarned());
            Map<String, Integer> pricedTickets = new HashMap<>();
            again.tickets().forEach(t -> pricedTickets.merge(ticketDraw.apply(t.draw()), t.count(), Integer::sum));
            granted.tickets().forEach((draw, count) -> tickets.put(draw,
                    (int) Math.min(Math.min(count, proportion(count, share)), pricedTickets.getOrDefault(draw, 0))));
            Map<String, Integer> pricedCoupons = new HashMap<>();
            again.couponsToIssue().forEach(c -> pricedCoupons.merge(c, 1, Integer::sum));
            granted.coupons().forEach((campaign, count) -> coupons.put(campaign, Math.min(count, pricedCoupons.getOrDefault(campaign, 0))));
            referral &= again.referrerPoints() > 0;
        } else {
            granted.tickets().forEach((draw, count) -> tickets.put(draw, (int) Math.min(count, proportion(count, share))));
            granted.coupons().forEach(coupons::put);
        }
        return new Kept(Math.max(0, points), tickets, coupons, referral);
    }

    /**
     * The remaining share of the sale as a fraction {part, whole}: of the money paid on eligible lines,
     * or of the net amount when no eligible money was paid.
     */
    private static BigDecimal[] remainingShare(List<StoredLine> lines, Map<Integer, BigDecimal> returned, BigDecimal eligiblePaid) {
        BigDecimal paidLeft = BigDecimal.ZERO;
        BigDecimal paidAll = BigDecimal.ZERO;
        BigDecimal netLeft = BigDecimal.ZERO;
        BigDecimal netAll = BigDecimal.ZERO;
        for (StoredLine line : lines) {
            BigDecimal left = line.quantity().subtract(returned.getOrDefault(line.lineNo(), BigDecimal.ZERO)).max(BigDecimal.ZERO);
            BigDecimal net = line.net().multiply(left).divide(line.quantity(), 10, RoundingMode.DOWN);
            netLeft = netLeft.add(net);
            netAll = netAll.add(line.net());
            if (line.eligible()) {
                paidLeft = paidLeft.add(line.paid().multiply(left).divide(line.quantity(), 10, RoundingMode.DOWN));
                paidAll = paidAll.add(line.paid());
            }
        }
        return eligiblePaid.signum() > 0 && paidAll.signum() > 0 ? new BigDecimal[] {paidLeft, paidAll} : new BigDecimal[] {netLeft, netAll};
    }

    private static long proportion(long amount, BigDecimal[] share) {
        if (amount == 0 || share[1].signum() == 0) {
            return 0;
        }
        if (share[0].compareTo(share[1]) >= 0) {
            return amount;
        }
        return BigDecimal.valueOf(amount).multiply(share[0]).divide(share[1], 0, RoundingMode.DOWN).longValueExact();
    }

    /** The remaining lines of a sale as a basket to price again: same prices, what was not returned. */
    static Basket remainingBasket(String receiptId, java.time.OffsetDateTime occurredAt, List<Basket.BasketLine> recorded,
                                  Map<Integer, BigDecimal> returned) {
        List<Basket.BasketLine> left = new java.util.ArrayList<>();
        for (Basket.BasketLine line : recorded) {
            BigDecimal q = line.quantity().subtract(returned.getOrDefault(line.index(), BigDecimal.ZERO));
            if (q.signum() > 0) {
                left.add(new Basket.BasketLine(left.size(), line.lineId(), line.sku(), line.name(), line.category(), line.brand(), q,
                        line.unitPrice(), line.unitPrice().multiply(q).setScale(2, RoundingMode.HALF_UP)));
            }
        }
        return new Basket(receiptId, occurredAt, null, left, List.of(), 0);
    }
}
