package io.patron.analytics.internal;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the range and cohort cells ({@link MemberRanges}) in step with the member-month roll-up: for
 * the members a batch of purchases touches, the cells of their history after the batch minus those
 * before it, per store and for all stores together. Or works them all out again from the member-month
 * roll-up in SQL, for an installation that had history before the cells existed.
 */
@Component
public class RangeCells {

    /** Store number of the cells that count all stores together. */
    public static final long ALL_STORES = 0;
    private static final int IDS_PER_QUERY = 1_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    RangeCells(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    record MonthAdd(long member, long store, LocalDate month, long receipts) {
    }

    private record RangeKey(long store, int from, int to) {
    }

    private record CohortKey(long store, int first, int month) {
    }

    /** Cells summed per key, for one store scope at a time. */
    private static final class Sums {
        final Map<RangeKey, long[]> ranges = new HashMap<>();
        final Map<CohortKey, long[]> cohorts = new HashMap<>();

        MemberRanges.Cells scope(long store) {
            return new MemberRanges.Cells() {
                @Override
                public void range(int from, int to, long active, long repeaters, long receipts) {
                    long[] v = ranges.computeIfAbsent(new RangeKey(store, from, to), k -> new long[3]);
                    v[0] += active;
                    v[1] += repeaters;
                    v[2] += receipts;
                }

                @Override
                public void cohort(int first, int month, long members) {
                    cohorts.computeIfAbsent(new CohortKey(store, first, month), k -> new long[1])[0] += members;
                }
            };
        }
    }

    /** Whether the cells are kept up (else they wait for {@link #rebuild}). Called inside the catch-up's transaction. */
    boolean built() {
        return jdbc.sql("SELECT last_id FROM rollup_state WHERE name = 'member_ranges' FOR UPDATE").query(Long.class).single() == 1;
    }

    /**
     * Adds the change of a batch, before the batch's sums reach the member-month roll-up (its rows are
     * read as the "before"). Runs in the catch-up's transaction.
     */
    void add(List<MonthAdd> batch) {
        Map<Long, Map<Long, TreeMap<Integer, Long>>> before = new HashMap<>();
        List<Long> members = batch.stream().map(MonthAdd::member).distinct().toList();
        for (int i = 0; i < members.size(); i += IDS_PER_QUERY) {
            jdbc.sql("SELECT member_id, store_id, sale_month, receipts FROM rollup_member_month WHERE member_id IN (:ids)")
                    .param("ids", members.subList(i, Math.min(members.size(), i + IDS_PER_QUERY)))
                    .query((rs, n) -> before.computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                            .computeIfAbsent(rs.getLong(2), k -> new TreeMap<>())
                            .merge(MemberRanges.month(rs.getDate(3).toLocalDate()), rs.getLong(4), Long::sum))
                    .list();
        }
        Map<Long, List<MonthAdd>> byMember = new HashMap<>();
        batch.forEach(a -> byMember.computeIfAbsent(a.member(), k -> new ArrayList<>()).add(a));
        Sums sums = new Sums();
        byMember.forEach((member, adds) -> {
            Map<Long, TreeMap<Integer, Long>> stores = before.getOrDefault(member, Map.of());
            Map<Long, TreeMap<Integer, Long>> after = new HashMap<>();
            for (MonthAdd a : adds) {
                after.computeIfAbsent(a.store(), s -> new TreeMap<>(stores.getOrDefault(s, new TreeMap<>())))
                        .merge(MemberRanges.month(a.month()), a.receipts(), Long::sum);
            }
            after.forEach((store, history) -> {
                MemberRanges.add(stores.getOrDefault(store, new TreeMap<>()), -1, sums.scope(store));
                MemberRanges.add(history, 1, sums.scope(store));
            });
            MemberRanges.add(allStores(stores, Map.of()), -1, sums.scope(ALL_STORES));
            MemberRanges.add(allStores(stores, after), 1, sums.scope(ALL_STORES));
        });
        write(sums);
    }

    private static NavigableMap<Integer, Long> allStores(Map<Long, TreeMap<Integer, Long>> stores, Map<Long, TreeMap<Integer, Long>> replaced) {
        TreeMap<Integer, Long> all = new TreeMap<>();
        stores.forEach((store, history) -> {
            if (!replaced.containsKey(store)) {
                history.forEach((m, n) -> all.merge(m, n, Long::sum));
            }
        });
        replaced.values().forEach(history -> history.forEach((m, n) -> all.merge(m, n, Long::sum)));
        return all;
    }

    private void write(Sums sums) {
        sums.ranges.values().removeIf(v -> v[0] == 0 && v[1] == 0 && v[2] == 0);
        sums.cohorts.values().removeIf(v -> v[0] == 0);
        Upsert.add(template, sums.ranges,
                "UPDATE rollup_member_ranges SET active = active + ?, repeaters = repeaters + ?, receipts = receipts + ?"
                        + " WHERE store_id = ? AND from_month = ? AND to_month = ?",
                e -> new Object[] {e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getKey().store(), e.getKey().from(), e.getKey().to()},
                "INSERT INTO rollup_member_ranges (store_id, from_month, to_month, active, repeaters, receipts) VALUES (?, ?, ?, ?, ?, ?)",
                e -> new Object[] {e.getKey().store(), e.getKey().from(), e.getKey().to(), e.getValue()[0], e.getValue()[1], e.getValue()[2]});
        Upsert.add(template, sums.cohorts,
                "UPDATE rollup_cohort_cells SET members = members + ? WHERE store_id = ? AND first_month = ? AND sale_month = ?",
                e -> new Object[] {e.getValue()[0], e.getKey().store(), e.getKey().first(), e.getKey().month()},
                "INSERT INTO rollup_cohort_cells (store_id, first_month, sale_month, members) VALUES (?, ?, ?, ?)",
                e -> new Object[] {e.getKey().store(), e.getKey().first(), e.getKey().month(), e.getValue()[0]});
    }

    /** The month number of {@code sale_month} in SQL that runs on PostgreSQL and H2. */
    private static final String MONTH = "(CAST(EXTRACT(YEAR FROM sale_month) AS INT) * 12 + CAST(EXTRACT(MONTH FROM sale_month) AS INT) - 1)";

    /** Every member's months per store, and all stores together as store 0. */
    private static final String HISTORIES = "SELECT member_id, store_id, " + MONTH + " AS m, receipts FROM rollup_member_month"
            + " UNION ALL SELECT member_id, 0, " + MONTH + ", SUM(receipts) FROM rollup_member_month GROUP BY member_id, sale_month";

    /**
     * Works every cell out again from the member-month roll-up, with the same arithmetic as
     * {@link MemberRanges#add} written as SQL (each month, the member's month before it and the month
     * of their second receipt from it on). Runs in the catch-up's transaction, then marks the cells built.
     */
    long rebuild() {
        jdbc.sql("DELETE FROM rollup_member_ranges").update();
        jdbc.sql("DELETE FROM rollup_cohort_cells").update();
        String h = "SELECT store_id, m, receipts, LAG(m) OVER (PARTITION BY member_id, store_id ORDER BY m) AS prev,"
                + " CASE WHEN receipts >= 2 THEN m ELSE LEAD(m) OVER (PARTITION BY member_id, store_id ORDER BY m) END AS second_m"
                + " FROM (" + HISTORIES + ") x";
        // Six cells per member-month (two for each measure), picked by k.
        long cells = jdbc.sql("INSERT INTO rollup_member_ranges (store_id, from_month, to_month, active, repeaters, receipts)"
                + " SELECT store_id, f, t, SUM(a), SUM(r), SUM(n) FROM ("
                + "  SELECT store_id,"
                + "   CASE WHEN k.k IN (1, 3) THEN COALESCE(prev + 1, " + MemberRanges.ORIGIN + ") WHEN k.k = 5 THEN " + MemberRanges.ORIGIN
                + "    ELSE m + 1 END AS f,"
                + "   CASE WHEN k.k IN (3, 4) THEN second_m ELSE m END AS t,"
                + "   CASE k.k WHEN 1 THEN 1 WHEN 2 THEN -1 ELSE 0 END AS a,"
                + "   CASE k.k WHEN 3 THEN 1 WHEN 4 THEN -1 ELSE 0 END AS r,"
                + "   CASE k.k WHEN 5 THEN receipts WHEN 6 THEN -receipts ELSE 0 END AS n"
                + "  FROM (" + h + ") y CROSS JOIN (VALUES (1), (2), (3), (4), (5), (6)) AS k(k)"
                + "  WHERE k.k NOT IN (3, 4) OR second_m IS NOT NULL) c"
                + " GROUP BY store_id, f, t").update();
        jdbc.sql("INSERT INTO rollup_cohort_cells (store_id, first_month, sale_month, members)"
                + " SELECT store_id, first_m, m, COUNT(*) FROM (SELECT store_id, m, MIN(m) OVER (PARTITION BY member_id, store_id) AS first_m"
                + " FROM (" + HISTORIES + ") x) y GROUP BY store_id, first_m, m").update();
        jdbc.sql("UPDATE rollup_state SET last_id = 1, updated_at = CURRENT_TIMESTAMP WHERE name = 'member_ranges'").update();
        return cells;
    }

    /** Active members, repeaters and receipts of the months [from, to] at a store (or {@link #ALL_STORES}). */
    public long[] measure(long store, int from, int to) {
        return jdbc.sql("SELECT COALESCE(SUM(active), 0), COALESCE(SUM(repeaters), 0), COALESCE(SUM(receipts), 0) FROM rollup_member_ranges"
                        + " WHERE store_id = :s AND from_month <= :a AND to_month <= :b")
                .param("s", store).param("a", from).param("b", to)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}).single();
    }

}
