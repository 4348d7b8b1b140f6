package io.patron.analytics.internal;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the roll-ups up to date: reads purchases (and returns) past the watermark in id order, a batch
 * at a time, adds them up per store and local day and per member, store and local month in memory,
 * and adds those sums to the roll-up rows (update, else insert) in the same transaction as the new
 * watermark — so each purchase is counted exactly once even if the process dies mid-way. It stops at
 * the first row recorded at or after {@code until} (the job passes a minute ago), so that a
 * transaction still in flight with a lower id is never passed over.
 */
@Component
public class Rollups {

    private static final int BATCH = 20_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;

    Rollups(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
    }

    private record Day(LocalDate day, long store) {
    }

    private record MemberMonth(long member, long store, LocalDate month) {
    }

    private static final class DaySums {
        long receipts;
        long memberReceipts;
        BigDecimal sales = BigDecimal.ZERO;
        BigDecimal memberSales = BigDecimal.ZERO;
        BigDecimal refunds = BigDecimal.ZERO;
    }

    private static final class MonthSums {
        long receipts;
        BigDecimal sales = BigDecimal.ZERO;
    }

    /** Rolls up everything recorded before {@code until}; answers how many purchases and returns it took. */
    public synchronized long catchUp(OffsetDateTime until) {
        Map<Long, ZoneId> zones = new HashMap<>();
        jdbc.sql("SELECT id, time_zone FROM stores").query((rs, i) -> zones.put(rs.getLong(1), ZoneId.of(rs.getString(2)))).list();
        long total = 0;
        while (true) {
            Long n = transactions.execute(status -> purchases(until, zones));
            total += n;
            if (n < BATCH) {
                break;
            }
        }
        while (true) {
            Long n = transactions.execute(status -> returns(until, zones));
            total += n;
            if (n < BATCH) {
                break;
            }
        }
        while (true) {
            Long n = transactions.execute(status -> transfers(until));
            total += n;
            if (n < BATCH) {
                break;
            }
        }
        return total;
    }

    private record Row(long id, long store, Long member, OffsetDateTime at, OffsetDateTime recordedAt, BigDecimal amount, String code) {
    }

    /**
     * The next rows past the watermark, in id order, up to the first one recorded at or after
     * {@code until}: the watermark never passes a row it has not counted.
     */
    private static List<Row> upTo(List<Row> rows, OffsetDateTime until) {
        List<Row> taken = new ArrayList<>();
        for (Row r : rows) {
            if (!r.recordedAt().isBefore(until)) {
                break;
            }
            taken.add(r);
        }
        return taken;
    }

    private long purchases(OffsetDateTime until, Map<Long, ZoneId> zones) {
        long last = jdbc.sql("SELECT last_id FROM rollup_state WHERE name = 'purchases' FOR UPDATE").query(Long.class).single();
        List<Row> rows = upTo(jdbc.sql("""
                SELECT id, store_id, member_id, occurred_at, recorded_at, subtotal - discount_total AS sales FROM purchases
                WHERE id > :last ORDER BY id LIMIT :l""")
                .param("last", last).param("l", BATCH)
                .query((rs, i) -> new Row(rs.getLong("id"), rs.getLong("store_id"), (Long) rs.getObject("member_id", Long.class),
                        rs.getObject("occurred_at", OffsetDateTime.class), rs.getObject("recorded_at", OffsetDateTime.class),
                        rs.getBigDecimal("sales"), null)).list(), until);
        if (rows.isEmpty()) {
            return 0;
        }
        Map<Day, DaySums> days = new HashMap<>();
        Map<MemberMonth, MonthSums> months = new HashMap<>();
        for (Row r : rows) {
            LocalDate day = r.at().atZoneSameInstant(zone(zones, r.store())).toLocalDate();
            DaySums d = days.computeIfAbsent(new Day(day, r.store()), k -> new DaySums());
            d.receipts++;
            d.sales = d.sales.add(r.amount());
            if (r.member() != null) {
                d.memberReceipts++;
                d.memberSales = d.memberSales.add(r.amount());
                MonthSums m = months.computeIfAbsent(new MemberMonth(r.member(), r.store(), day.withDayOfMonth(1)), k -> new MonthSums());
                m.receipts++;
                m.sales = m.sales.add(r.amount());
            }
        }
        addDays(days);
        addMonths(months);
        jdbc.sql("UPDATE rollup_state SET last_id = :id, updated_at = :at WHERE name = 'purchases'").param("id", rows.getLast().id())
                .param("at", until).update();
        return rows.size();
    }

    private long returns(OffsetDateTime until, Map<Long, ZoneId> zones) {
        long last = jdbc.sql("SELECT last_id FROM rollup_state WHERE name = 'returns' FOR UPDATE").query(Long.class).single();
        List<Row> rows = upTo(jdbc.sql("""
                SELECT id, store_id, occurred_at, recorded_at, refunded_amount FROM purchase_returns
                WHERE id > :last ORDER BY id LIMIT :l""")
                .param("last", last).param("l", BATCH)
                .query((rs, i) -> new Row(rs.getLong("id"), rs.getLong("store_id"), null, rs.getObject("occurred_at", OffsetDateTime.class),
                        rs.getObject("recorded_at", OffsetDateTime.class), rs.getBigDecimal("refunded_amount"), null)).list(), until);
        if (rows.isEmpty()) {
            return 0;
        }
        Map<Day, DaySums> days = new HashMap<>();
        for (Row r : rows) {
            LocalDate day = r.at().atZoneSameInstant(zone(zones, r.store())).toLocalDate();
            DaySums d = days.computeIfAbsent(new Day(day, r.store()), k -> new DaySums());
            d.refunds = d.refunds.add(r.amount());
        }
        addDays(days);
        jdbc.sql("UPDATE rollup_state SET last_id = :id, updated_at = :at WHERE name = 'returns'").param("id", rows.getLast().id())
                .param("at", until).update();
        return rows.size();
    }

    private record PointsKey(LocalDate day, String code) {
    }

    /** Ledger transfers per UTC day and code: what members gained (or lost) by each kind of movement. */
    private long transfers(OffsetDateTime until) {
        long last = jdbc.sql("SELECT last_id FROM rollup_state WHERE name = 'transfers' FOR UPDATE").query(Long.class).single();
        List<Row> rows = upTo(jdbc.sql("""
                SELECT id, code, created_at, amount, debit_member_id, credit_member_id FROM point_transfers
                WHERE id > :last ORDER BY id LIMIT :l""")
                .param("last", last).param("l", BATCH)
                .query((rs, i) -> {
                    long amount = rs.getLong("amount");
                    Long debit = (Long) rs.getObject("debit_member_id", Long.class);
                    Long credit = (Long) rs.getObject("credit_member_id", Long.class);
                    long delta = (credit != null ? amount : 0) - (debit != null ? amount : 0);
                    OffsetDateTime at = rs.getObject("created_at", OffsetDateTime.class);
                    return new Row(rs.getLong("id"), 0, null, at, at, BigDecimal.valueOf(delta), rs.getString("code"));
                }).list(), until);
        if (rows.isEmpty()) {
            return 0;
        }
        Map<PointsKey, long[]> sums = new HashMap<>();
        for (Row r : rows) {
            long[] v = sums.computeIfAbsent(new PointsKey(r.at().atZoneSameInstant(java.time.ZoneOffset.UTC).toLocalDate(),
                    r.code()), k -> new long[2]);
            v[0] += r.amount().longValue();
            v[1]++;
        }
        upsert(sums, "UPDATE rollup_points_daily SET member_delta = member_delta + ?, transfers = transfers + ? WHERE sale_day = ? AND code = ?",
                e -> new Object[] {e.getValue()[0], e.getValue()[1], Date.valueOf(e.getKey().day()), e.getKey().code()},
                "INSERT INTO rollup_points_daily (sale_day, code, member_delta, transfers) VALUES (?, ?, ?, ?)",
                e -> new Object[] {Date.valueOf(e.getKey().day()), e.getKey().code(), e.getValue()[0], e.getValue()[1]});
        jdbc.sql("UPDATE rollup_state SET last_id = :id, updated_at = :at WHERE name = 'transfers'").param("id", rows.getLast().id())
                .param("at", until).update();
        return rows.size();
    }

    private ZoneId zone(Map<Long, ZoneId> zones, long store) {
        return zones.computeIfAbsent(store, s -> ZoneId.of(jdbc.sql("SELECT time_zone FROM stores WHERE id = :id").param("id", s)
                .query(String.class).single()));
    }

    /** Adds sums to their roll-up rows: one batch of updates, then one batch inserting the rows that were not there. */
    private <K, V> void upsert(Map<K, V> sums, String update, java.util.function.Function<Map.Entry<K, V>, Object[]> updateArgs,
                               String insert, java.util.function.Function<Map.Entry<K, V>, Object[]> insertArgs) {
        List<Map.Entry<K, V>> entries = new ArrayList<>(sums.entrySet());
        int[] updated = template.batchUpdate(update, entries.stream().map(updateArgs).toList());
        List<Object[]> inserts = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (updated[i] == 0) {
                inserts.add(insertArgs.apply(entries.get(i)));
            }
        }
        if (!inserts.isEmpty()) {
            template.batchUpdate(insert, inserts);
        }
    }

    private void addDays(Map<Day, DaySums> days) {
        upsert(days, """
                UPDATE rollup_daily SET receipts = receipts + ?, member_receipts = member_receipts + ?, sales = sales + ?,
                    member_sales = member_sales + ?, refunds = refunds + ? WHERE sale_day = ? AND store_id = ?""",
                e -> new Object[] {e.getValue().receipts, e.getValue().memberReceipts, e.getValue().sales, e.getValue().memberSales,
                        e.getValue().refunds, Date.valueOf(e.getKey().day()), e.getKey().store()},
                "INSERT INTO rollup_daily (sale_day, store_id, receipts, member_receipts, sales, member_sales, refunds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                e -> new Object[] {Date.valueOf(e.getKey().day()), e.getKey().store(), e.getValue().receipts, e.getValue().memberReceipts,
                        e.getValue().sales, e.getValue().memberSales, e.getValue().refunds});
    }

    private void addMonths(Map<MemberMonth, MonthSums> months) {
        upsert(months, "UPDATE rollup_member_month SET receipts = receipts + ?, sales = sales + ? WHERE member_id = ? AND store_id = ? AND sale_month = ?",
                e -> new Object[] {e.getValue().receipts, e.getValue().sales, e.getKey().member(), e.getKey().store(),
                        Date.valueOf(e.getKey().month())},
                "INSERT INTO rollup_member_month (member_id, store_id, sale_month, receipts, sales) VALUES (?, ?, ?, ?, ?)",
                e -> new Object[] {e.getKey().member(), e.getKey().store(), Date.valueOf(e.getKey().month()), e.getValue().receipts,
                        e.getValue().sales});
    }
}
