package io.patron.segments;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * RFM classes: every member with a purchase in the last 365 days gets a score of 1 to 5 for recency
 * (the day of the last purchase), frequency (purchases) and money (spend net of discounts): the
 * quintile of their mid-rank percentile among those members (equal values, equal scores), and a class from the three scores ({@link #classOf}). Worked out in the database in
 * one statement, daily and on demand; segments select by class.
 */
@Service
public class Rfm {

    private static final Logger log = LoggerFactory.getLogger(Rfm.class);

    /** The classes, from the best customers down. */
    public enum RfmClass { CHAMPIONS, LOYAL, NEW, PROMISING, NEEDS_ATTENTION, AT_RISK, HIBERNATING }

    private final JdbcClient jdbc;
    private final Clock clock;

    Rfm(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The class of three scores: the recent, frequent, big spenders first; the long-gone last. */
    public static RfmClass classOf(int r, int f, int m) {
        if (r >= 4 && f >= 4 && m >= 4) {
            return RfmClass.CHAMPIONS;
        }
        if (f >= 4 && r >= 3) {
            return RfmClass.LOYAL;
        }
        if (r >= 4 && f <= 1) {
            return RfmClass.NEW;
        }
        if (r >= 4) {
            return RfmClass.PROMISING;
        }
        if (r <= 2 && f >= 3) {
            return RfmClass.AT_RISK;
        }
        if (r <= 2) {
            return RfmClass.HIBERNATING;
        }
        return RfmClass.NEEDS_ATTENTION;
    }

    /** The same rule in SQL over the columns r, f and m. */
    static String classSql() {
        return "CASE WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'CHAMPIONS' WHEN f >= 4 AND r >= 3 THEN 'LOYAL'"
                + " WHEN r >= 4 AND f <= 1 THEN 'NEW' WHEN r >= 4 THEN 'PROMISING' WHEN r <= 2 AND f >= 3 THEN 'AT_RISK'"
                + " WHEN r <= 2 THEN 'HIBERNATING' ELSE 'NEEDS_ATTENTION' END";
    }

    @Scheduled(fixedDelayString = "${patron.segments.rfm-millis:86400000}", initialDelayString = "${patron.segments.rfm-initial-delay-millis:300000}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "rfm", lockAtMostFor = "PT2H")
    public void scheduled() {
        long n = recompute();
        log.info("RFM classes worked out for {} members", n);
    }

    /** Works every member's scores and class out again (one transaction: readers see the old ones until it commits). */
    @Transactional
    public long recompute() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("DELETE FROM member_rfm").update();
        // Scores: the quintile of the member's mid-rank percentile on each measure — the mean of
        // PERCENT_RANK and CUME_DIST, so that equal values (the many with one purchase; everyone who
        // bought on the same day) share a score placed in the middle of their group.
        String sql = "INSERT INTO member_rfm (member_id, last_purchase, frequency, monetary, r, f, m, rfm_class, computed_at)"
                + " SELECT member_id, last_purchase, frequency, monetary, r, f, m, " + classSql() + ", :now FROM ("
                + " SELECT member_id, last_purchase, frequency, monetary, "
                + score("CAST(last_purchase AS DATE)") + " AS r, " + score("frequency") + " AS f, " + score("monetary") + " AS m"
                + " FROM (SELECT p.member_id, MAX(p.occurred_at) AS last_purchase, COUNT(*) AS frequency,"
                + " SUM(p.subtotal - p.discount_total) AS monetary"
                + " FROM purchases p JOIN members mb ON mb.id = p.member_id"
                + " WHERE p.member_id IS NOT NULL AND p.occurred_at >= :from AND p.occurred_at <= :now AND mb.status = 'ACTIVE'"
                + " GROUP BY p.member_id) a) s";
        return jdbc.sql(sql)
                .param("now", now).param("from", now.minusDays(365)).update();
    }

    private static String score(String measure) {
        return "CAST(LEAST(5, 1 + FLOOR(5 * (PERCENT_RANK() OVER (ORDER BY " + measure + ") + CUME_DIST() OVER (ORDER BY "
                + measure + ")) / 2)) AS INT)";
    }

    /** A member's class, if they bought in the last year (as of the last computation). */
    public java.util.Optional<RfmClass> classOf(long memberId) {
        return jdbc.sql("SELECT rfm_class FROM member_rfm WHERE member_id = :m").param("m", memberId).query(String.class).optional()
                .map(RfmClass::valueOf);
    }

    /** Members and spend per class, best class first. */
    public record ClassSize(RfmClass rfmClass, long members, java.math.BigDecimal spend) {
    }

    public List<ClassSize> sizes() {
        Map<String, ClassSize> found = new LinkedHashMap<>();
        jdbc.sql("SELECT rfm_class, COUNT(*), COALESCE(SUM(monetary), 0) FROM member_rfm GROUP BY rfm_class")
                .query((rs, i) -> found.put(rs.getString(1), new ClassSize(RfmClass.valueOf(rs.getString(1)), rs.getLong(2),
                        rs.getBigDecimal(3)))).list();
        return java.util.Arrays.stream(RfmClass.values())
                .map(c -> found.getOrDefault(c.name(), new ClassSize(c, 0, java.math.BigDecimal.ZERO))).toList();
    }
}
