package io.patron.checkout;

import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member's history as the tier ladder measures it, in running totals rather than a list of
 * purchases: the all-time sums of spend (purchases after discounts, less what came back) and of
 * points (earned, less what was taken back), and the same sums per calendar month of the programme's
 * time zone. A sale adds to its month; a return takes its share back from the month of the purchase
 * it returns. Reading a member's measure costs the same after five purchases as after five years of
 * them: the totals and at most the months of one rolling window and its grace months.
 *
 * <p>The live path keeps these in the database in the sale's transaction; a back-test keeps them in
 * memory. Both ask {@link #measures} the same way, so the two cannot disagree.
 *
 * <p>Windows are whole calendar months: the measure now counts the current month and, for a rolling
 * ladder of N months, the N − 1 before it; the measure at the start of a month (the tier held then,
 * for the grace rule) counts the N months before it. A return reduces the month of its purchase from
 * the moment it happens, in the measure now and in those of earlier month starts.
 */
public final class TierBuckets {

    /** Spend and points of one month. */
    public record Month(BigDecimal spend, long points) {
        Month plus(BigDecimal spend, long points) {
            return new Month(this.spend.add(spend), this.points + points);
        }
    }

    private BigDecimal spendTotal;
    private long pointsTotal;
    private final TreeMap<YearMonth, Month> months;

    public TierBuckets(BigDecimal spendTotal, long pointsTotal, Map<YearMonth, Month> months) {
        this.spendTotal = spendTotal;
        this.pointsTotal = pointsTotal;
        this.months = new TreeMap<>(months);
    }

    public static TierBuckets empty() {
        return new TierBuckets(BigDecimal.ZERO, 0, Map.of());
    }

    /** A sale (positive) or what a return took back (negative), in the month of the sale. */
    public void add(YearMonth month, BigDecimal spend, long points) {
        spendTotal = spendTotal.add(spend);
        pointsTotal += points;
        months.merge(month, new Month(spend, points), (a, b) -> a.plus(b.spend(), b.points()));
    }

    /** The month a sale at {@code at} counts in. */
    public static YearMonth monthOf(OffsetDateTime at, ZoneId zone) {
        return YearMonth.from(at.atZoneSameInstant(zone));
    }

    /**
     * The earliest month {@link #measures} reads for a ladder: what a store of buckets must load (older
     * months only matter through the totals).
     */
    public static YearMonth earliestNeeded(ProgramDefinition.Tiers ladder, YearMonth now) {
        int back = (ladder.basis().rolling() ? ladder.rollingMonths() : 0) + ladder.grace() + 1;
        return now.minusMonths(back);
    }

    /**
     * The measure now, then at the start of this month and of each of the ladder's grace months
     * before it (the checkpoints of {@link Tiers#status}).
     */
    public List<BigDecimal> measures(ProgramDefinition program, OffsetDateTime now) {
        ProgramDefinition.Tiers ladder = program.tiers();
        boolean points = ladder.basis().points();
        YearMonth current = monthOf(now, program.zone());
        List<BigDecimal> result = new ArrayList<>();
        result.add(window(points, ladder, current.plusMonths(1)));
        for (int i = 0; i <= ladder.grace(); i++) {
            result.add(window(points, ladder, current.minusMonths(i)));
        }
        return result;
    }

    /** The measure of the window ending before month {@code end} (exclusive). */
    private BigDecimal window(boolean points, ProgramDefinition.Tiers ladder, YearMonth end) {
        if (ladder.basis().rolling()) {
            return sum(points, months.subMap(end.minusMonths(ladder.rollingMonths()), true, end, false));
        }
        BigDecimal total = points ? BigDecimal.valueOf(pointsTotal) : spendTotal;
        return total.subtract(sum(points, months.tailMap(end, true)));
    }

    private static BigDecimal sum(boolean points, Map<YearMonth, Month> range) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Month m : range.values()) {
            sum = sum.add(points ? BigDecimal.valueOf(m.points()) : m.spend());
        }
        return sum;
    }

    public BigDecimal spendTotal() {
        return spendTotal;
    }

    public long pointsTotal() {
        return pointsTotal;
    }

    public Map<YearMonth, Month> months() {
        return java.util.Collections.unmodifiableMap(months);
    }
}
