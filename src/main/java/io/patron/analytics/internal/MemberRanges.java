package io.patron.analytics.internal;

import java.time.LocalDate;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The member measures of any run of months, kept as sums instead of recomputed per member.
 *
 * <p>For a run of months [A, B] the dashboard needs how many members bought in it (active), how many
 * bought twice or more (repeaters) and how many receipts they had. Distinct counts do not add up month
 * by month, so each member's contribution to every possible run is written as a handful of
 * <em>cells</em> of a two-dimensional difference table: the measure of [A, B] is the sum of the cells
 * (a, b) with a &le; A and b &le; B. A cell (a, b) worth v adds v to every run that starts at a or later
 * and ends at b or later; a pair (+v at (lo, b), &minus;v at (hi + 1, b)) adds v to the runs starting in
 * [lo, hi] and ending at b or later.
 *
 * <ul>
 *   <li>Active: with the member's months s<sub>1</sub> &lt; s<sub>2</sub> &lt; …, a run holds one of them
 *   exactly when its first month at or after A is at most B. The runs whose first such month is
 *   s<sub>i</sub> start in (s<sub>i−1</sub>, s<sub>i</sub>] and end at s<sub>i</sub> or later.</li>
 *   <li>Repeaters: a run holds two receipts when, counting from its first month at or after A, the
 *   second receipt's month is at most B: s<sub>i</sub> itself if it had two receipts or more, else
 *   s<sub>i+1</sub>.</li>
 *   <li>Receipts: a month's receipts count in the runs that start at it or before and end at it or
 *   after.</li>
 * </ul>
 *
 * A change to a member's months is the difference of the cells of the new history and of the old, so
 * the roll-up job adds only that; the cohort cells (first month, month) work the same way. Months are
 * numbered {@code year * 12 + month - 1}; {@link #ORIGIN} stands for "any earlier month".
 */
public final class MemberRanges {

    /** The lowest month number: a run's start is never before it. */
    public static final int ORIGIN = 0;

    private MemberRanges() {
    }

    /** Receives the cells of one history multiplied by a sign. */
    public interface Cells {
        void range(int from, int to, long active, long repeaters, long receipts);

        void cohort(int first, int month, long members);
    }

    public static int month(LocalDate day) {
        return day.getYear() * 12 + day.getMonthValue() - 1;
    }

    public static LocalDate date(int month) {
        return LocalDate.of(Math.floorDiv(month, 12), Math.floorMod(month, 12) + 1, 1);
    }

    /** Adds {@code sign} times the cells of a member's history (month number → receipts, each at least 1). */
    public static void add(NavigableMap<Integer, Long> history, int sign, Cells out) {
        if (history.isEmpty()) {
            return;
        }
        int first = history.firstKey();
        int previous = ORIGIN - 1;
        for (Map.Entry<Integer, Long> e : history.entrySet()) {
            int month = e.getKey();
            long receipts = e.getValue();
            if (receipts <= 0) {
                throw new IllegalStateException("a month of a history without receipts: " + month);
            }
            int from = previous + 1;
            out.range(from, month, sign, 0, 0);
            out.range(month + 1, month, -sign, 0, 0);
            Integer second = receipts >= 2 ? Integer.valueOf(month) : history.higherKey(month);
            if (second != null) {
                out.range(from, second, 0, sign, 0);
                out.range(month + 1, second, 0, -sign, 0);
            }
            out.range(ORIGIN, month, 0, 0, sign * receipts);
            out.range(month + 1, month, 0, 0, -sign * receipts);
            out.cohort(first, month, sign);
            previous = month;
        }
    }
}
