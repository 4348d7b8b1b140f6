package io.patron.checkout.internal;

import io.patron.checkout.TierBuckets;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The running totals of members' histories (see {@link TierBuckets}), kept in the transaction of each
 * sale and return under the member's ledger lock: one row per member and one per member and month.
 */
@Repository
public class MemberTotals {

    private final JdbcClient jdbc;
    private final javax.sql.DataSource dataSource;

    MemberTotals(JdbcClient jdbc, javax.sql.DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    /** A member's totals and the months from {@code since} on. */
    public TierBuckets buckets(long memberId, YearMonth since) {
        return buckets(List.of(memberId), since).get(memberId);
    }

    /** The same for several members at once; every member asked for is in the answer (empty when they never bought). */
    public Map<Long, TierBuckets> buckets(List<Long> memberIds, YearMonth since) {
        Map<Long, BigDecimal[]> totals = new HashMap<>();
        Map<Long, Map<YearMonth, TierBuckets.Month>> months = new HashMap<>();
        if (!memberIds.isEmpty()) {
            // One round trip: the totals row (month null) and the recent months together.
            jdbc.sql("""
                    SELECT member_id, CAST(NULL AS DATE) AS month_start, spend, points FROM member_totals WHERE member_id IN (:m)
                    UNION ALL
                    SELECT member_id, month_start, spend, points FROM member_months WHERE member_id IN (:m) AND month_start >= :since""")
                    .param("m", memberIds).param("since", since.atDay(1))
                    .query((rs, i) -> {
                        long id = rs.getLong(1);
                        LocalDate month = rs.getObject(2, LocalDate.class);
                        if (month == null) {
                            totals.put(id, new BigDecimal[] {rs.getBigDecimal(3), BigDecimal.valueOf(rs.getLong(4))});
                        } else {
                            months.computeIfAbsent(id, k -> new HashMap<>())
                                    .put(YearMonth.from(month), new TierBuckets.Month(rs.getBigDecimal(3), rs.getLong(4)));
                        }
                        return null;
                    }).list();
        }
        Map<Long, TierBuckets> result = new HashMap<>();
        for (long id : memberIds) {
            BigDecimal[] t = totals.get(id);
            result.put(id, t == null ? TierBuckets.empty()
                    : new TierBuckets(t[0], t[1].longValueExact(), months.getOrDefault(id, Map.of())));
        }
        return result;
    }

    /** Purchases of the member recorded so far (returned ones included). */
    public long purchases(long memberId) {
        return jdbc.sql("SELECT purchases FROM member_totals WHERE member_id = :m").param("m", memberId)
                .query(Long.class).optional().orElse(0L);
    }

    /** A sale of the member: one more purchase, its spend and points in its month. */
    public void sold(long memberId, YearMonth month, BigDecimal spend, long points, OffsetDateTime at) {
        int updated = jdbc.sql("""
                UPDATE member_totals SET purchases = purchases + 1, spend = spend + :s, points = points + :p,
                    first_purchase_at = CASE WHEN first_purchase_at IS NULL OR first_purchase_at > :at THEN :at ELSE first_purchase_at END,
                    last_purchase_at = CASE WHEN last_purchase_at IS NULL OR last_purchase_at < :at THEN :at ELSE last_purchase_at END
                WHERE member_id = :m""")
                .param("s", spend).param("p", points).param("at", at).param("m", memberId).update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO member_totals (member_id, purchases, spend, points, first_purchase_at, last_purchase_at)
                    VALUES (:m, 1, :s, :p, :at, :at)""")
                    .param("s", spend).param("p", points).param("at", at).param("m", memberId).update();
        }
        addToMonth(memberId, month, spend, points);
    }

    /** What a return took back of a purchase made in {@code month}. */
    public void returned(long memberId, YearMonth month, BigDecimal spend, long points) {
        jdbc.sql("UPDATE member_totals SET spend = spend - :s, points = points - :p WHERE member_id = :m")
                .param("s", spend).param("p", points).param("m", memberId).update();
        addToMonth(memberId, month, spend.negate(), -points);
    }

    private void addToMonth(long memberId, YearMonth month, BigDecimal spend, long points) {
        int updated = jdbc.sql("UPDATE member_months SET spend = spend + :s, points = points + :p WHERE member_id = :m AND month_start = :month")
                .param("s", spend).param("p", points).param("m", memberId).param("month", month.atDay(1)).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO member_months (member_id, month_start, spend, points) VALUES (:m, :month, :s, :p)")
                    .param("s", spend).param("p", points).param("m", memberId).param("month", month.atDay(1)).update();
        }
    }

    /**
     * Months are cut in the programme's time zone: when a version in another zone becomes active (or the
     * first one is), the totals are worked out again from the purchases in the activating transaction.
     */
    @org.springframework.context.event.EventListener
    void on(io.patron.program.ProgramActivated activated) {
        if (zone().filter(activated.timeZone()::equals).isPresent()) {
            return;
        }
        var connection = org.springframework.jdbc.datasource.DataSourceUtils.getConnection(dataSource);
        try {
            MemberTotalsRebuild.rebuild(connection, java.time.ZoneId.of(activated.timeZone()));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Could not rebuild the member totals for time zone " + activated.timeZone(), e);
        } finally {
            org.springframework.jdbc.datasource.DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** The zone the months are cut in, if any were. */
    public java.util.Optional<String> zone() {
        return jdbc.sql("SELECT zone FROM member_totals_zone WHERE id = 1").query(String.class).optional();
    }
}
