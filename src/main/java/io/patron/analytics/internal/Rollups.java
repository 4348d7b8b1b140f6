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
 * watermark — so each purchase is counted exactly once even if the process dies mid-way. It never
 * goes past the highest id it saw a minute ago or more (see {@link #catchUp}), so that a transaction
 * still in flight with a lower id is never passed over, whatever timestamps the rows carry (a history
 * replay writes the sales' own times).
 */
@Component
public class Rollups {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Rollups.class);

    private static final int BATCH = 20_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final RangeCells cells;

    Rollups(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions, RangeCells cells) {
        this.cells = cells;
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

    /** How long a writing transaction may last at most: ids seen this long ago are settled. */
    static final java.time.Duration GRACE = java.time.Duration.ofMinutes(1);

    /**
     * Rolls up what is safe at {@code now}: each stream up to the highest id it had when last looked at,
     * if that was at least {@link #GRACE} ago (every transaction that had taken a lower id has ended
     * since); then notes the highest id now for a later run. With {@code everything}, up to the
     * highest id now — only for tests and maintenance, when nothing is being written.
     */
    public synchronized long catchUp(OffsetDateTime now, boolean everything) {
        Map<Long, ZoneId> zones = new HashMap<>();
        jdbc.sql("SELECT id, time_zone FROM stores").query((rs, i) -> zones.put(rs.getLong(1), ZoneId.of(rs.getString(2)))).list();
        rebuildCellsIfNeeded();
        long total = stream("purchases", "purchases", now, everything, (last, limit) -> purchases(last, limit, zones));
        total += stream("returns", "purchase_returns", now, everything, (last, limit) -> returns(last, limit, zones));
        total += stream("transfers", "point_transfers", now, everything, this::transfers);
        total += stream("members", "members", now, everything, this::members);
        return total;
    }

    /**
     * Works the range and cohort cells out from the member-month roll-up when they are marked to be
     * (after the upgrade that brought them, or by hand), holding the purchases stream meanwhile.
     */
    private void rebuildCellsIfNeeded() {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("SELECT last_id FROM rollup_state WHERE name = 'purchases' FOR UPDATE").query(Long.class).single();
            if (!cells.built()) {
                long started = System.nanoTime();
                long n = cells.rebuild();
                log.info("Range and cohort cells worked out from the member-month roll-up: {} cells in {} ms", n,
                        (System.nanoTime() - started) / 1_000_000);
            }
        });
    }

    /** Marks the range and cohort cells to be worked out again at the next catch-up (maintenance). */
    public void rebuildCells() {
        jdbc.sql("UPDATE rollup_state SET last_id = 0 WHERE name = 'member_ranges'").update();
    }

    private interface Batch {
        /** Rolls up the next rows with ids in (last, limit]; answers how many and the last id taken. */
        long[] run(long last, long limit);
    }

    private long stream(String name, String table, OffsetDateTime now, boolean everything, Batch batch) {
        long total = 0;
        while (true) {
            long[] done = transactions.execute(status -> {
                var state = jdbc.sql("SELECT last_id, seen_max, seen_at FROM rollup_state WHERE name = :n FOR UPDATE").param("n", name)
                        .query((rs, i) -> new Object[] {rs.getLong(1), rs.getObject(2, Long.class), rs.getObject(3, OffsetDateTime.class)})
                        .single();
                long last = (Long) state[0];
                Long seenMax = (Long) state[1];
                OffsetDateTime seenAt = (OffsetDateTime) state[2];
                boolean settled = seenAt != null && !seenAt.isAfter(now.minus(GRACE));
                long limit = everything ? maxId(table) : settled && seenMax != null ? seenMax : last;
                long[] r = limit > last ? batch.run(last, limit) : new long[] {0, last};
                boolean drained = r[0] < BATCH;
                if (everything || seenAt == null || settled && drained) {
                    // Look again now, once the settled range is all taken in (a backlog goes on in the
                    // next batch with the same limit); rows up to this id are safe once GRACE has passed.
                    jdbc.sql("UPDATE rollup_state SET seen_max = :m, seen_at = :at WHERE name = :n")
                            .param("m", maxId(table)).param("at", now).param("n", name).update();
                }
                if (r[0] > 0) {
                    jdbc.sql("UPDATE rollup_state SET last_id = :id, updated_at = :at WHERE name = :n")
                            .param("id", r[1]).param("at", now).param("n", name).update();
                }
                return r;
            });
            total += done[0];
            if (done[0] < BATCH) {
                return total;
            }
        }
    }

    private long maxId(String table) {
        return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM " + table).query(Long.class).single();
    }

    private record Row(long id, long store, Long member, OffsetDateTime at, OffsetDateTime recordedAt, BigDecimal amount, String code) {
    }

    private long[] purchases(long last, long limit, Map<Long, ZoneId> zones) {
        List<Row> rows = jdbc.sql("""
                SELECT id, store_id, member_id, occurred_at, recorded_at, subtotal - discount_total AS sales FROM purchases
                WHERE id > :last AND id <= :limit ORDER BY id LIMIT :l""")
                .param("last", last).param("limit", limit).param("l", BATCH)
                .query((rs, i) -> new Row(rs.getLong("id"), rs.getLong("store_id"), (Long) rs.getObject("member_id", Long.class),
                        rs.getObject("occurred_at", OffsetDateTime.class), rs.getObject("recorded_at", OffsetDateTime.class),
                        rs.getBigDecimal("sales"), null)).list();
        if (rows.isEmpty()) {
            return new long[] {0, last};
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
        if (cells.built()) {
            cells.add(months.entrySet().stream().map(e -> new RangeCells.MonthAdd(e.getKey().member(), e.getKey().store(),
                    e.getKey().month(), e.getValue().receipts)).toList());
        }
        addMonths(months);
        return new long[] {rows.size(), rows.getLast().id()};
    }

    private long[] returns(long last, long limit, Map<Long, ZoneId> zones) {
        List<Row> rows = jdbc.sql("""
                SELECT id, store_id, occurred_at, recorded_at, refunded_amount FROM purchase_returns
                WHERE id > :last AND id <= :limit ORDER BY id LIMIT :l""")
                .param("last", last).param("limit", limit).param("l", BATCH)
                .query((rs, i) -> new Row(rs.getLong("id"), rs.getLong("store_id"), null, rs.getObject("occurred_at", OffsetDateTime.class),
                        rs.getObject("recorded_at", OffsetDateTime.class), rs.getBigDecimal("refunded_amount"), null)).list();
        if (rows.isEmpty()) {
            return new long[] {0, last};
        }
        Map<Day, DaySums> days = new HashMap<>();
        for (Row r : rows) {
            LocalDate day = r.at().atZoneSameInstant(zone(zones, r.store())).toLocalDate();
            DaySums d = days.computeIfAbsent(new Day(day, r.store()), k -> new DaySums());
            d.refunds = d.refunds.add(r.amount());
        }
        addDays(days);
        return new long[] {rows.size(), rows.getLast().id()};
    }

    private record PointsKey(LocalDate day, String code) {
    }

    /** Ledger transfers per UTC day and code: what members gained (or lost) by each kind of movement. */
    private long[] transfers(long last, long limit) {
        List<Row> rows = jdbc.sql("""
                SELECT id, code, created_at, amount, debit_member_id, credit_member_id FROM point_transfers
                WHERE id > :last AND id <= :limit ORDER BY id LIMIT :l""")
                .param("last", last).param("limit", limit).param("l", BATCH)
                .query((rs, i) -> {
                    long amount = rs.getLong("amount");
                    Long debit = (Long) rs.getObject("debit_member_id", Long.class);
                    Long credit = (Long) rs.getObject("credit_member_id", Long.class);
                    long delta = (credit != null ? amount : 0) - (debit != null ? amount : 0);
                    OffsetDateTime at = rs.getObject("created_at", OffsetDateTime.class);
                    return new Row(rs.getLong("id"), 0, null, at, at, BigDecimal.valueOf(delta), rs.getString("code"));
                }).list();
        if (rows.isEmpty()) {
            return new long[] {0, last};
        }
        Map<PointsKey, long[]> sums = new HashMap<>();
        for (Row r : rows) {
            long[] v = sums.computeIfAbsent(new PointsKey(r.at().atZoneSameInstant(java.time.ZoneOffset.UTC).toLocalDate(),
                    r.code()), k -> new long[2]);
            v[0] += r.amount().longValue();
            v[1]++;
        }
        Upsert.add(template, sums, "UPDATE rollup_points_daily SET member_delta = member_delta + ?, transfers = transfers + ? WHERE sale_day = ? AND code = ?",
                e -> new Object[] {e.getValue()[0], e.getValue()[1], Date.valueOf(e.getKey().day()), e.getKey().code()},
                "INSERT INTO rollup_points_daily (sale_day, code, member_delta, transfers) VALUES (?, ?, ?, ?)",
                e -> new Object[] {Date.valueOf(e.getKey().day()), e.getKey().code(), e.getValue()[0], e.getValue()[1]});
        return new long[] {rows.size(), rows.getLast().id()};
    }

    private record EnrolKey(LocalDate day, long store) {
    }

    /** Members per UTC day of enrolment and enrolment store (0 when none). */
    private long[] members(long last, long limit) {
        List<long[]> rows = new ArrayList<>();
        Map<EnrolKey, long[]> sums = new HashMap<>();
        jdbc.sql("SELECT id, enrolled_store_id, created_at FROM members WHERE id > :last AND id <= :limit ORDER BY id LIMIT :l")
                .param("last", last).param("limit", limit).param("l", BATCH)
                .query((rs, i) -> {
                    long store = rs.getLong(2);
                    LocalDate day = rs.getObject(3, OffsetDateTime.class).atZoneSameInstant(java.time.ZoneOffset.UTC).toLocalDate();
                    sums.computeIfAbsent(new EnrolKey(day, store), k -> new long[1])[0]++;
                    return rows.add(new long[] {rs.getLong(1)});
                }).list();
        if (rows.isEmpty()) {
            return new long[] {0, last};
        }
        Upsert.add(template, sums, "UPDATE rollup_members_daily SET enrolled = enrolled + ? WHERE enrol_day = ? AND store_id = ?",
                e -> new Object[] {e.getValue()[0], Date.valueOf(e.getKey().day()), e.getKey().store()},
                "INSERT INTO rollup_members_daily (enrol_day, store_id, enrolled) VALUES (?, ?, ?)",
                e -> new Object[] {Date.valueOf(e.getKey().day()), e.getKey().store(), e.getValue()[0]});
        return new long[] {rows.size(), rows.getLast()[0]};
    }

    private ZoneId zone(Map<Long, ZoneId> zones, long store) {
        return zones.computeIfAbsent(store, s -> ZoneId.of(jdbc.sql("SELECT time_zone FROM stores WHERE id = :id").param("id", s)
                .query(String.class).single()));
    }

    private void addDays(Map<Day, DaySums> days) {
        Upsert.add(template, days, """
                UPDATE rollup_daily SET receipts = receipts + ?, member_receipts = member_receipts + ?, sales = sales + ?,
                    member_sales = member_sales + ?, refunds = refunds + ? WHERE sale_day = ? AND store_id = ?""",
                e -> new Object[] {e.getValue().receipts, e.getValue().memberReceipts, e.getValue().sales, e.getValue().memberSales,
                        e.getValue().refunds, Date.valueOf(e.getKey().day()), e.getKey().store()},
                "INSERT INTO rollup_daily (sale_day, store_id, receipts, member_receipts, sales, member_sales, refunds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                e -> new Object[] {Date.valueOf(e.getKey().day()), e.getKey().store(), e.getValue().receipts, e.getValue().memberReceipts,
                        e.getValue().sales, e.getValue().memberSales, e.getValue().refunds});
    }

    private void addMonths(Map<MemberMonth, MonthSums> months) {
        Upsert.add(template, months, "UPDATE rollup_member_month SET receipts = receipts + ?, sales = sales + ? WHERE member_id = ? AND store_id = ? AND sale_month = ?",
                e -> new Object[] {e.getValue().receipts, e.getValue().sales, e.getKey().member(), e.getKey().store(),
                        Date.valueOf(e.getKey().month())},
                "INSERT INTO rollup_member_month (member_id, store_id, sale_month, receipts, sales) VALUES (?, ?, ?, ?, ?)",
                e -> new Object[] {e.getKey().member(), e.getKey().store(), Date.valueOf(e.getKey().month()), e.getValue().receipts,
                        e.getValue().sales});
    }
}
