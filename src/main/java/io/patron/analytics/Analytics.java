package io.patron.analytics;

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

    Analytics(JdbcClient jdbc, Rollups rollups, Clock clock) {
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
     * One scan of the member-month roll-up over the previous period's months and this period's: per
     * member, the receipts in this period's months and whether they bought in the previous period's
     * months. Answers active members, members with two receipts or more, their receipts, and churned
     * members (bought in the previous period's months, not in this one's).
     */
    private long[] memberMeasures(Period p, Long storeId) {
        LocalDate first = p.firstMonth();
        LocalDate last = p.lastMonth();
        LocalDate beforeFirst = p.previous().firstMonth();
        LocalDate beforeLast = p.previous().lastMonth().isBefore(first) ? p.previous().lastMonth() : first.minusMonths(1);
        if (beforeLast.isBefore(beforeFirst)) {
            beforeFirst = first;
        }
        var q = jdbc.sql("""
                SELECT COALESCE(SUM(CASE WHEN n > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END), 0),
                       COALESCE(SUM(n), 0), COALESCE(SUM(CASE WHEN n = 0 AND before = 1 THEN 1 ELSE 0 END), 0)
                FROM (SELECT member_id, SUM(CASE WHEN sale_month >= :first THEN receipts ELSE 0 END) AS n,
                             MAX(CASE WHEN sale_month <= :beforeLast THEN 1 ELSE 0 END) AS before
                      FROM rollup_member_month WHERE sale_month >= :from AND sale_month <= :last""" + (storeId == null ? "" : " AND store_id = :store")
                        + " GROUP BY member_id) x")
                .param("first", Date.valueOf(first)).param("beforeLast", Date.valueOf(beforeLast))
                .param("from", Date.valueOf(beforeFirst)).param("last", Date.valueOf(last));
        if (storeId != null) {
            q = q.param("store", storeId);
        }
        return q.query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)}).single();
    }

    /** Members enrolled by the end of the period (still members: not merged or erased), and those enrolled in it. */
    private long[] members(Period p, Long storeId) {
        OffsetDateTime end = p.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime start = p.from().atStartOfDay().atOffset(ZoneOffset.UTC);
        var q = jdbc.sql("""
                SELECT COUNT(*), COALESCE(SUM(CASE WHEN created_at >= :start THEN 1 ELSE 0 END), 0) FROM members
                WHERE status IN ('ACTIVE', 'BLOCKED') AND created_at < :end""" + (storeId == null ? "" : " AND enrolled_store_id = :store"))
                .param("start", start).param("end", end);
        if (storeId != null) {
            q = q.param("store", storeId);
        }
        return q.query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
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
        LocalDate first = from.withDayOfMonth(1);
        LocalDate last = to.withDayOfMonth(1);
        String store = storeId == null ? "" : " AND store_id = :store";
        var q = jdbc.sql("""
                SELECT f.first_month, r.sale_month, COUNT(DISTINCT r.member_id) FROM
                  (SELECT member_id, MIN(sale_month) AS first_month FROM rollup_member_month WHERE 1 = 1""" + store + """
                   \sGROUP BY member_id) f
                JOIN rollup_member_month r ON r.member_id = f.member_id""" + (storeId == null ? "" : " AND r.store_id = :store") + """
                 \sWHERE f.first_month >= :first AND f.first_month <= :last AND r.sale_month >= f.first_month AND r.sale_month <= :until
                GROUP BY f.first_month, r.sale_month ORDER BY f.first_month, r.sale_month""")
                .param("first", Date.valueOf(first)).param("last", Date.valueOf(last)).param("until", Date.valueOf(last.plusMonths(months)));
        if (storeId != null) {
            q = q.param("store", storeId);
        }
        Map<LocalDate, long[]> table = new LinkedHashMap<>();
        q.query((rs, i) -> {
            LocalDate cohort = rs.getDate(1).toLocalDate();
            LocalDate month = rs.getDate(2).toLocalDate();
            int k = (int) ChronoUnit.MONTHS.between(cohort, month);
            if (k < months) {
                table.computeIfAbsent(cohort, c -> new long[months])[k] = rs.getLong(3);
            }
            return null;
        }).list();
        LocalDate newest = jdbc.sql("SELECT MAX(sale_month) FROM rollup_member_month").query((rs, i) -> rs.getDate(1)).optional()
                .map(Date::toLocalDate).orElse(last);
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
