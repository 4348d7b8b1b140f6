package io.patron.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.analytics.internal.MemberRanges;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The difference cells of {@link MemberRanges} against counting by hand: for random members' histories
 * and every run of months, the cells' prefix sums equal the active members, repeaters and receipts
 * counted directly; and adding a history's change (new cells minus old) lands on the new history.
 */
class MemberRangesTest {

    private static final int MONTHS = 14;

    /** The cells as the tables hold them: summed per key. */
    private static final class Table implements MemberRanges.Cells {
        final Map<List<Integer>, long[]> ranges = new HashMap<>();
        final Map<List<Integer>, Long> cohorts = new HashMap<>();

        @Override
        public void range(int from, int to, long active, long repeaters, long receipts) {
            long[] v = ranges.computeIfAbsent(List.of(from, to), k -> new long[3]);
            v[0] += active;
            v[1] += repeaters;
            v[2] += receipts;
        }

        @Override
        public void cohort(int first, int month, long members) {
            cohorts.merge(List.of(first, month), members, Long::sum);
        }

        /** What the analytics query does: the sum of the cells with from ≤ a and to ≤ b. */
        long[] measure(int a, int b) {
            long[] sum = new long[3];
            ranges.forEach((k, v) -> {
                if (k.get(0) <= a && k.get(1) <= b) {
                    for (int i = 0; i < 3; i++) {
                        sum[i] += v[i];
                    }
                }
            });
            return sum;
        }
    }

    private static TreeMap<Integer, Long> randomHistory(SplittableRandom random, int base) {
        TreeMap<Integer, Long> history = new TreeMap<>();
        int months = random.nextInt(0, 6);
        for (int i = 0; i < months; i++) {
            history.merge(base + random.nextInt(MONTHS), (long) random.nextInt(1, 4), Long::sum);
        }
        return history;
    }

    @RepeatedTest(20)
    void theCellsOfManyMembersCountEveryRunOfMonthsAsCountingByHandDoes() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        int base = MemberRanges.month(java.time.LocalDate.of(2030, 1, 1));
        List<TreeMap<Integer, Long>> members = new java.util.ArrayList<>();
        Table table = new Table();
        for (int m = 0; m < 40; m++) {
            TreeMap<Integer, Long> h = randomHistory(random, base);
            members.add(h);
            MemberRanges.add(h, 1, table);
        }
        for (int a = base - 1; a <= base + MONTHS; a++) {
            for (int b = a; b <= base + MONTHS; b++) {
                long active = 0;
                long repeaters = 0;
                long receipts = 0;
                for (var h : members) {
                    long n = h.subMap(a, true, b, true).values().stream().mapToLong(Long::longValue).sum();
                    active += n > 0 ? 1 : 0;
                    repeaters += n >= 2 ? 1 : 0;
                    receipts += n;
                }
                assertThat(table.measure(a, b)).as("seed %d, months %d..%d", seed, a, b).containsExactly(active, repeaters, receipts);
            }
        }
        // Cohorts: members by their first month, and in how many of them bought in each later month.
        Map<List<Integer>, Long> expected = new HashMap<>();
        for (var h : members) {
            if (!h.isEmpty()) {
                h.keySet().forEach(month -> expected.merge(List.of(h.firstKey(), month), 1L, Long::sum));
            }
        }
        table.cohorts.values().removeIf(v -> v == 0);
        assertThat(table.cohorts).as("seed %d", seed).isEqualTo(expected);
    }

    @RepeatedTest(20)
    void aChangeAddedAsNewCellsMinusOldOnesLandsOnTheNewHistory() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        int base = 24_000;
        TreeMap<Integer, Long> before = randomHistory(random, base);
        TreeMap<Integer, Long> after = new TreeMap<>(before);
        for (int i = random.nextInt(1, 4); i > 0; i--) {
            after.merge(base + random.nextInt(MONTHS), 1L, Long::sum);
        }
        Table incremental = new Table();
        MemberRanges.add(before, 1, incremental);
        MemberRanges.add(before, -1, incremental);
        MemberRanges.add(after, 1, incremental);
        Table direct = new Table();
        MemberRanges.add(after, 1, direct);
        for (int a = base; a < base + MONTHS; a++) {
            for (int b = a; b < base + MONTHS; b++) {
                assertThat(incremental.measure(a, b)).as("seed %d", seed).containsExactly(direct.measure(a, b));
            }
        }
    }

    @Test
    void monthsAreNumberedFromYearZero() {
        assertThat(MemberRanges.month(java.time.LocalDate.of(2011, 12, 9))).isEqualTo(2011 * 12 + 11);
        assertThat(MemberRanges.date(2011 * 12 + 11)).isEqualTo(java.time.LocalDate.of(2011, 12, 1));
    }
}
