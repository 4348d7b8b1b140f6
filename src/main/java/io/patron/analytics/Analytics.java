package io.patron.analytics;

import io.patron.analytics.internal.MemberRanges;
import io.patron.analytics.internal.RangeCells;
import io.patron.analytics.internal.Rollups;
import io.patron.common.ProblemException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The programme's numbers, read from the roll-ups (never from the raw purchases, so they answer fast
 * however many there are): for a period of local days and optionally one store, the sales measures
 * from the daily roll-up, and the member measures (active, frequency, repeat purchases, churn,
 * cohorts) from the monthly one — member measures count whole months, the months the period touches.
 * Every summary comes with the previous period of the same length and the same period a year before.
 */
@Service
public class Analytics {

    private static final Logger log = LoggerFactory.getLogger(Analytics.class);
    public static final int PERIOD_DAYS_MAX = 3_700;
    public static final int COHORT_MONTHS_MAX = 36;

    private final JdbcClient jdbc;
    private final Rollups rollups;
    private final Clock clock;
    private final RangeCells cells;

    Analytics(JdbcClient jdbc, Rollups rollups, Clock clock, RangeCells cells) {
        this.cells = cells;
        this.jdbc = jdbc;
        this.rollups = rollups;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${patron.analytics.rollup-millis:60000}", initialDelayString = "${patron.analytics.initial-delay-millis:60000}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "analytics-rollups", lockAtMostFor = "PT1H")
    public void scheduled() {
        long n = catchUp();
        if (n > 0) {
            log.info("Rolled up {} purchases and returns", n);
        }
    }

    /** Brings the roll-ups up to what is safe to count now (ids seen a minute ago); answers how many rows it took in. */
    public long catchUp() {
        return rollups.catchUp(OffsetDateTime.now(clock), false);
    }

    /** Rolls up every row there is — for tests and maintenance only, when nothing is being written. */
    public long catchUpEverything() {
        return rollups.catchUp(OffsetDateTime.now(clock), true);
    }

    /** A period of local days, both included. */
    public record Period(LocalDate from, LocalDate to) {
        public Period {
            if (from == null || to == null || to.isBefore(from)) {
                throw ProblemException.invalid("to", "a day on or after from");
            }
            if (ChronoUnit.DAYS.between(from, to) > PERIOD_DAYS_MAX) {
                throw ProblemException.invalid("to", "at most " + PERIOD_DAYS_MAX + " days after from");
            }
        }

        public long days() {
            return ChronoUnit.DAYS.between(from, to) + 1;
        }

        public Period previous() {
            return new Period(from.minusDays(days()), from.minusDays(1));
        }

        public Period yearBefore() {
            return new Period(from.minusYears(1), to.minusYears(1));
        }

        LocalDate firstMonth() {
            return from.withDayOfMonth(1);
        }

        LocalDate lastMonth() {
            return to.withDayOfMonth(1);
        }
    }

    /** The measures of one period. Ratios are null where their denominator is 0. */
    public record Measures(Period period, long members, long newMembers, long activeMembers, long receipts, long memberReceipts,
                           BigDecimal sales, BigDecimal memberSales, BigDecimal refunds, BigDecimal participation,
                           BigDecimal averageCheck, BigDecimal memberAverageCheck, BigDecimal anonymousAverageCheck,
                           BigDecimal frequency, long repeatMembers, BigDecimal repeatRate, long churnedMembers) {
    }

    /** A period's measures beside the previous period and the same period a year before. */
    public record Summary(Long storeId, Measures current, Measures previous, Measures yearBefore) {
    }

    /** The three periods of a summary are worked out side by side (each is one scan of the roll-ups). */
    private static final java.util.concurrent.ExecutorService PERIODS = java.util.concurrent.Executors.newFixedThreadPool(3,
            r -> {
                Thread t = new Thread(r, "analytics-periods");
                t.setDaemon(true);
                return t;
            });

    public Summary summary(Period period, Long storeId) {
        var previous = java.util.concurrent.CompletableFuture.supplyAsync(() -> measures(period.previous(), storeId), PERIODS);
        var yearBefore = java.util.concurrent.CompletableFuture.supplyAsync(() -> measures(period.yearBefore(), storeId), PERIODS);
        Measures current = measures(period, storeId);
        try {
            return new Summary(storeId, current, previous.join(), yearBefore.join());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * A summary of one segment's members (as the segment stands now): their purchases in the months
     * the period touches, from the member-month roll-up, and their refunds in the period's days. There
     * are no anonymous sales in a segment, so participation and the anonymous average check are null.
     * Slower than the whole programme's measures: every member of the segment is looked at.
     */
    public Summary summary(Period period, Long storeId, io.patron.segments.Segments.MemberSet segment) {
        if (segment == null) {
            return summary(period, storeId);
        }
        return new Summary(storeId, segmentMeasures(period, storeId, segment), segmentMeasures(period.previous(), storeId, segment),
                segmentMeasures(period.yearBefore(), storeId, segment));
    }

    private Measures segmentMeasures(Period p, Long storeId, io.patron.segments.Segments.MemberSet segment) {
        int first = MemberRanges.month(p.from());
        int beforeFirst = MemberRanges.month(p.previous().from());
        int beforeLast = Math.min(MemberRanges.month(p.previous().to()), first - 1);
        String store = storeId == null ? "" : " AND store_id = :aStore";
        var q = jdbc.sql("SELECT COALESCE(SUM(CASE WHEN n > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END), 0),"
                + " COALESCE(SUM(n), 0), COALESCE(SUM(CASE WHEN n = 0 AND before = 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(sales), 0)"
                + " FROM (SELECT member_id, SUM(CASE WHEN sale_month >= :aFirst THEN receipts ELSE 0 END) AS n,"
                + "  SUM(CASE WHEN sale_month >= :aFirst THEN sales ELSE 0 END) AS sales,"
                + "  MAX(CASE WHEN sale_month <= :aBeforeLast THEN 1 ELSE 0 END) AS before"
                + "  FROM rollup_member_month WHERE sale_month >= :aFrom AND sale_month <= :aLast" + store
                + "  AND member_id IN (" + segment.sql() + ") GROUP BY member_id) x")
                .param("aFirst", Date.valueOf(p.from().withDayOfMonth(1)))
                .param("aBeforeLast", Date.valueOf(MemberRanges.date(beforeLast < beforeFirst ? first - 1 : beforeLast)))
                .param("aFrom", Date.valueOf(MemberRanges.date(beforeLast < beforeFirst ? first : beforeFirst)))
                .param("aLast", Date.valueOf(p.to().withDayOfMonth(1)));
        OffsetDateTime start = p.from().atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime end = p.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        var members = jdbc.sql("SELECT COUNT(*), COALESCE(SUM(CASE WHEN created_at >= :aStart THEN 1 ELSE 0 END), 0) FROM members"
                        + " WHERE created_at < :aEnd AND id IN (" + segment.sql() + ")" + (storeId == null ? "" : " AND enrolled_store_id = :aStore"))
                .param("aStart", start).param("aEnd", end);
        var refunds = jdbc.sql("SELECT COALESCE(SUM(r.refunded_amount), 0) FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id"
                        + " WHERE r.occurred_at >= :aStart AND r.occurred_at < :aEnd AND p.member_id IN (" + segment.sql() + ")"
                        + (storeId == null ? "" : " AND r.store_id = :aStore"))
                .param("aStart", start).param("aEnd", end);
        for (var e : segment.params().entrySet()) {
            q = q.param(e.getKey(), e.getValue());
            members = members.param(e.getKey(), e.getValue());
            refunds = refunds.param(e.getKey(), e.getValue());
        }
        if (storeId != null) {
            q = q.param("aStore", storeId);
            members = members.param("aStore", storeId);
            refunds = refunds.param("aStore", storeId);
        }
        Object[] m = q.query((rs, i) -> new Object[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5)}).single();
        long[] enrolled = members.query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        long active = (Long) m[0];
        long receipts = (Long) m[2];
        BigDecimal sales = (BigDecimal) m[4];
        return new Measures(p, enrolled[0], enrolled[1], active, receipts, receipts, sales, sales, refunds.query(BigDecimal.class).single(),
                null, ratio(sales, receipts, 2), ratio(sales, receipts, 2), null, ratio(BigDecimal.valueOf(receipts), active, 2),
                (Long) m[1], ratio(BigDecimal.valueOf((Long) m[1]), active, 4), (Long) m[3]);
    }

    public Measures measures(Period p, Long storeId) {
        String store = storeId == null ? "" : " AND store_id = :store";
        var daily = jdbc.sql("""
                SELECT COALESCE(SUM(receipts), 0), COALESCE(SUM(member_receipts), 0), COALESCE(SUM(sales), 0),
                       COALESCE(SUM(member_sales), 0), COALESCE(SUM(refunds), 0)
                FROM rollup_daily WHERE sale_day >= :from AND sale_day <= :to""" + store)
                .param("from", Date.valueOf(p.from())).param("to", Date.valueOf(p.to()));
        if (storeId != null) {
            daily = daily.param("store", storeId);
        }
        Object[] d = daily.query((rs, i) -> new Object[] {rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4),
                rs.getBigDecimal(5)}).single();
        long receipts = (Long) d[0];
        long memberReceipts = (Long) d[1];
        BigDecimal sales = (BigDecimal) d[2];
        BigDecimal memberSales = (BigDecimal) d[3];
        long[] active = memberMeasures(p, storeId);
        long churned = active[3];
        long[] members = members(p, storeId);
        return new Measures(p, members[0], members[1], active[0], receipts, memberReceipts, sales, memberSales, (BigDecimal) d[4],
                ratio(BigDecimal.valueOf(memberReceipts), receipts, 4), ratio(sales, receipts, 2), ratio(memberSales, memberReceipts, 2),
                ratio(sales.subtract(memberSales), receipts - memberReceipts, 2), ratio(BigDecimal.valueOf(active[2]), active[0], 2),
                active[1], ratio(BigDecimal.valueOf(active[1]), active[0], 4), churned);
    }

    /**
     * Active members, repeaters and their receipts in the months the period touches, and churned
     * members — those who bought in the previous period's months and not in this one's: the members of
     * the two runs together less those of this one. Each is one read of the range cells.
     */
    private long[] memberMeasures(Period p, Long storeId) {
        long store = storeId == null ? RangeCells.ALL_STORES : storeId;
        int first = MemberRanges.month(p.from());
        int last = MemberRanges.month(p.to());
        // The previous period's months, less the one it may share with this period.
        int beforeFirst = MemberRanges.month(p.previous().from());
        int beforeLast = Math.min(MemberRanges.month(p.previous().to()), first - 1);
        long[] now = cells.measure(store, first, last);
        long churned = beforeLast < beforeFirst ? 0 : cells.measure(store, beforeFirst, last)[0] - now[0];
        return new long[] {now[0], now[1], now[2], churned};
    }

    /**
     * Members enrolled by the end of the period and still members (not merged or erased), and those
     * enrolled in it: the enrolment roll-up less the merged and erased members, read through their index.
     */
    private long[] members(Period p, Long storeId) {
        OffsetDateTime end = p.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime start = p.from().atStartOfDay().atOffset(ZoneOffset.UTC);
        String store = storeId == null ? "" : " AND store_id = :store";
        var enrolled = jdbc.sql("SELECT COALESCE(SUM(enrolled), 0), COALESCE(SUM(CASE WHEN enrol_day >= :from THEN enrolled ELSE 0 END), 0)"
                + " FROM rollup_members_daily WHERE enrol_day <= :to" + store)
                .param("from", Date.valueOf(p.from())).param("to", Date.valueOf(p.to()));
        var gone = jdbc.sql("SELECT COUNT(*), COALESCE(SUM(CASE WHEN created_at >= :start THEN 1 ELSE 0 END), 0) FROM members"
                + " WHERE status IN ('MERGED', 'ERASED') AND created_at < :end" + (storeId == null ? "" : " AND enrolled_store_id = :store"))
                .param("start", start).param("end", end);
        if (storeId != null) {
            enrolled = enrolled.param("store", storeId);
            gone = gone.param("store", storeId);
        }
        long[] in = enrolled.query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        long[] out = gone.query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        return new long[] {in[0] - out[0], in[1] - out[1]};
    }

    private static BigDecimal ratio(BigDecimal part, long whole, int scale) {
        return whole == 0 ? null : part.divide(BigDecimal.valueOf(whole), scale, RoundingMode.HALF_UP);
    }

    /**
     * Points in a period (UTC days): issued (purchases, referrals, partners; manual adjustments are not
     * counted), redeemed (tills, rewards, partners; less what returns and cancellations gave back),
     * taken back by returns, expired; the breakage rate (expired / issued); and the outstanding
     * liability now — every member's balance, in points and at the programme's point value.
     */
    public record Points(long issued, long redeemed, long reversed, long expired, BigDecimal breakageRate, long liabilityPoints,
                         BigDecimal liabilityMoney) {
    }

    public Points points(Period p, BigDecimal pointValue) {
        Map<String, Long> byCode = new java.util.HashMap<>();
        jdbc.sql("SELECT code, SUM(member_delta) FROM rollup_points_daily WHERE sale_day >= :from AND sale_day <= :to GROUP BY code")
                .param("from", Date.valueOf(p.from())).param("to", Date.valueOf(p.to()))
                .query((rs, i) -> byCode.put(rs.getString(1), rs.getLong(2))).list();
        long issued = sum(byCode, "EARN_PURCHASE", "REFERRAL_BONUS", "PARTNER_EARN");
        long redeemed = -sum(byCode, "REDEEM", "REWARD", "PARTNER_REDEEM", "REFUND_RETURN", "REWARD_REFUND", "PARTNER_REFUND");
        long reversed = -sum(byCode, "REVERSE_RETURN", "PARTNER_REVERSE");
        long expired = -sum(byCode, "EXPIRE");
        long liability = jdbc.sql("SELECT COALESCE(SUM(balance), 0) FROM member_accounts").query(Long.class).single();
        return new Points(issued, redeemed, reversed, expired, ratio(BigDecimal.valueOf(expired), issued, 4), liability,
                pointValue.multiply(BigDecimal.valueOf(liability)).setScale(2, RoundingMode.HALF_UP));
    }

    private static long sum(Map<String, Long> byCode, String... codes) {
        long s = 0;
        for (String c : codes) {
            s += byCode.getOrDefault(c, 0L);
        }
        return s;
    }

    /** Sales per day of a period (for the chart): members' and anonymous buyers'. */
    public record DayPoint(LocalDate day, long receipts, long memberReceipts, BigDecimal sales, BigDecimal memberSales) {
    }

    public List<DayPoint> daily(Period p, Long storeId) {
        var q = jdbc.sql("""
                SELECT sale_day, SUM(receipts), SUM(member_receipts), SUM(sales), SUM(member_sales) FROM rollup_daily
                WHERE sale_day >= :from AND sale_day <= :to""" + (storeId == null ? "" : " AND store_id = :store") + " GROUP BY sale_day ORDER BY sale_day")
                .param("from", Date.valueOf(p.from())).param("to", Date.valueOf(p.to()));
        if (storeId != null) {
            q = q.param("store", storeId);
        }
        return q.query((rs, i) -> new DayPoint(rs.getDate(1).toLocalDate(), rs.getLong(2), rs.getLong(3), rs.getBigDecimal(4),
                rs.getBigDecimal(5))).list();
    }

    /**
     * Monthly retention cohorts: members by the month of their first purchase (at the store, or
     * anywhere), for the first months from {@code from} to {@code to}; {@code retained[k]} is how many
     * of them bought in the k-th month after (k = 0 is the first month itself: everyone).
     */
    public record Cohort(LocalDate month, long members, List<Long> retained) {
    }

    public List<Cohort> cohorts(LocalDate from, LocalDate to, Long storeId, int months) {
        if (months < 1 || months > COHORT_MONTHS_MAX) {
            throw ProblemException.invalid("months", "1 to " + COHORT_MONTHS_MAX);
        }
        int first = MemberRanges.month(from);
        int last = MemberRanges.month(to);
        Map<LocalDate, long[]> table = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT first_month, sale_month, members FROM rollup_cohort_cells
                WHERE store_id = :store AND first_month >= :first AND first_month <= :last AND sale_month < first_month + :months
                ORDER BY first_month, sale_month""")
                .param("store", storeId == null ? RangeCells.ALL_STORES : storeId).param("first", first).param("last", last)
                .param("months", months)
                .query((rs, i) -> table.computeIfAbsent(MemberRanges.date(rs.getInt(1)), c -> new long[months])[rs.getInt(2) - rs.getInt(1)]
                        += rs.getLong(3)).list();
        table.values().removeIf(counts -> counts[0] == 0);
        LocalDate newest = jdbc.sql("SELECT MAX(sale_month) FROM rollup_cohort_cells WHERE store_id = 0 AND members > 0")
                .query((rs, i) -> rs.getObject(1) == null ? null : MemberRanges.date(rs.getInt(1))).optional().orElse(null);
        if (newest == null) {
            newest = MemberRanges.date(last);
        }
        List<Cohort> out = new ArrayList<>();
        for (var e : table.entrySet()) {
            List<Long> retained = new ArrayList<>();
            // Only the months that have happened: none after the newest month of data.
            long available = Math.min(months, ChronoUnit.MONTHS.between(e.getKey(), newest) + 1);
            for (int k = 0; k < available; k++) {
                retained.add(e.getValue()[k]);
            }
            out.add(new Cohort(e.getKey(), e.getValue()[0], retained));
        }
        return out;
    }
}
