package io.patron.analytics;

import io.patron.common.ProblemException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Measured uplift: what a newsletter did, comparing the members who got it (treated) with its
 * hold-out group (control), both chosen before sending, over the days after it was sent — revenue per
 * member and visits per member with a 95 % confidence interval of the difference (Welch's normal
 * approximation), the average check of each group, and a plain-language verdict.
 */
@Service
public class Uplift {

    public static final int DAYS_MAX = 365;
    private static final double Z95 = 1.959963984540054;

    private final JdbcClient jdbc;

    Uplift(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The difference of the treated group's mean minus the control's, with its 95 % interval. */
    public record Difference(double treatedMean, double controlMean, double difference, double low, double high) {

        /** Whether the interval leaves zero out: the effect is unlikely to be chance. */
        public boolean significant() {
            return low > 0 || high < 0;
        }
    }

    public enum Verdict { MORE, LESS, NOT_SIGNIFICANT_YET, NO_CONTROL_GROUP }

    @io.swagger.v3.oas.annotations.media.Schema(name = "UpliftResult")
    public record Result(long newsletterId, String name, OffsetDateTime sentAt, int days, long treated, long control,
                         Difference revenuePerMember, Difference visitsPerMember, BigDecimal treatedAverageCheck,
                         BigDecimal controlAverageCheck, Verdict verdict) {
    }

    /** Compares two groups' values (one per member): mean difference and its 95 % interval. */
    public static Difference compare(double[] treated, double[] control) {
        double mt = mean(treated);
        double mc = mean(control);
        double se = Math.sqrt(variance(treated, mt) / treated.length + variance(control, mc) / control.length);
        double d = mt - mc;
        return new Difference(mt, mc, d, d - Z95 * se, d + Z95 * se);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    private static double variance(double[] v, double mean) {
        if (v.length < 2) {
            return 0;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }

    /** A newsletter's uplift over the {@code days} after it was sent (at most {@value #DAYS_MAX}). */
    public Result newsletter(long newsletterId, int days) {
        if (days < 1 || days > DAYS_MAX) {
            throw ProblemException.invalid("days", "1 to " + DAYS_MAX);
        }
        var newsletter = jdbc.sql("SELECT name, COALESCE(finished_at, send_at) FROM newsletters WHERE id = :id AND status = 'SENT'")
                .param("id", newsletterId)
                .query((rs, i) -> new Object[] {rs.getString(1), rs.getObject(2, OffsetDateTime.class)}).optional()
                .orElseThrow(() -> ProblemException.notFound("NEWSLETTER_NOT_FOUND", "No sent newsletter " + newsletterId + "."));
        OffsetDateTime from = (OffsetDateTime) newsletter[1];
        OffsetDateTime to = from.plusDays(days);
        // One row per audience member: their group, and what they bought in the window (nothing: zeros).
        Groups g = perMember(jdbc.sql("""
                SELECT r.holdout, COALESCE(SUM(p.subtotal - p.discount_total), 0), COUNT(p.id)
                FROM newsletter_recipients r
                LEFT JOIN purchases p ON p.member_id = r.member_id AND p.occurred_at >= :from AND p.occurred_at < :to
                WHERE r.newsletter_id = :n GROUP BY r.member_id, r.holdout""")
                .param("n", newsletterId).param("from", from).param("to", to));
        return new Result(newsletterId, (String) newsletter[0], from, days, g.treated.size(), g.control.size(), g.revenue(), g.visits(),
                check(g.treated), check(g.control), g.verdict());
    }

    /** A journey's uplift: its mailed occurrences against its held-out ones. */
    public record JourneyResult(String journey, OffsetDateTime from, OffsetDateTime to, int days, long treated, long control,
                                Difference revenuePerMember, Difference visitsPerMember, Verdict verdict) {
    }

    /**
     * What a journey did: its occurrences in [from, to) that were mailed (treated) against those held
     * out (control), each member's purchases in the {@code days} after the occurrence.
     */
    public JourneyResult journey(String kind, OffsetDateTime from, OffsetDateTime to, int days) {
        if (days < 1 || days > DAYS_MAX) {
            throw ProblemException.invalid("days", "1 to " + DAYS_MAX);
        }
        if (!to.isAfter(from)) {
            throw ProblemException.invalid("to", "after from");
        }
        Groups g = windowed(jdbc.sql("""
                SELECT s.id, CASE WHEN s.status = 'HELD_OUT' THEN 1 ELSE 0 END, s.created_at, p.occurred_at, p.subtotal - p.discount_total
                FROM journey_sends s
                LEFT JOIN purchases p ON p.member_id = s.member_id AND p.occurred_at >= s.created_at AND p.occurred_at < :horizon
                WHERE s.kind = :k AND s.status IN ('QUEUED', 'HELD_OUT') AND s.created_at >= :from AND s.created_at < :to
                ORDER BY s.id LIMIT 1000000""")
                .param("k", kind).param("from", from).param("to", to).param("horizon", to.plusDays(days)), days);
        return new JourneyResult(kind, from, to, days, g.treated.size(), g.control.size(), g.revenue(), g.visits(), g.verdict());
    }

    /** Whether any member was ever set aside by the programme-wide hold-out. */
    public boolean programmeHoldoutUsed() {
        return jdbc.sql("SELECT COUNT(*) FROM (SELECT member_id FROM programme_holdout LIMIT 1) x").query(Long.class).single() > 0;
    }

    /** The programme-wide hold-out's uplift: new members who get the programme's marketing against those set aside. */
    public record ProgrammeResult(OffsetDateTime from, OffsetDateTime to, int days, long treated, long control,
                                  Difference revenuePerMember, Difference visitsPerMember, BigDecimal treatedAverageCheck,
                                  BigDecimal controlAverageCheck, Verdict verdict) {
    }

    /**
     * What the programme's marketing did for the members who enrolled in [from, to): each one's
     * purchases in the {@code days} after enrolling, those set aside by the programme-wide hold-out
     * (control) against the rest (treated). Choose a period when the hold-out was on.
     */
    public ProgrammeResult programme(OffsetDateTime from, OffsetDateTime to, int days) {
        if (days < 1 || days > DAYS_MAX) {
            throw ProblemException.invalid("days", "1 to " + DAYS_MAX);
        }
        if (!to.isAfter(from)) {
            throw ProblemException.invalid("to", "after from");
        }
        Groups g = windowed(jdbc.sql("""
                SELECT m.id, CASE WHEN h.member_id IS NULL THEN 0 ELSE 1 END, m.created_at, p.occurred_at, p.subtotal - p.discount_total
                FROM members m LEFT JOIN programme_holdout h ON h.member_id = m.id
                LEFT JOIN purchases p ON p.member_id = m.id AND p.occurred_at >= m.created_at AND p.occurred_at < :horizon
                WHERE m.created_at >= :from AND m.created_at < :to AND m.status IN ('ACTIVE', 'BLOCKED')
                ORDER BY m.id LIMIT 2000000""")
                .param("from", from).param("to", to).param("horizon", to.plusDays(days)), days);
        return new ProgrammeResult(from, to, days, g.treated.size(), g.control.size(), g.revenue(), g.visits(), check(g.treated),
                check(g.control), g.verdict());
    }

    /** Each member's (or occurrence's) revenue and visits, in the treated group or the control group. */
    private static final class Groups {
        final List<double[]> treated = new ArrayList<>();
        final List<double[]> control = new ArrayList<>();

        void add(boolean inControl, double revenue, double visits) {
            (inControl ? control : treated).add(new double[] {revenue, visits});
        }

        Difference revenue() {
            return compare(column(treated, 0), column(control, 0));
        }

        Difference visits() {
            return compare(column(treated, 1), column(control, 1));
        }

        Verdict verdict() {
            Difference revenue = revenue();
            return control.isEmpty() || treated.isEmpty() ? Verdict.NO_CONTROL_GROUP
                    : !revenue.significant() ? Verdict.NOT_SIGNIFICANT_YET
                    : revenue.difference() > 0 ? Verdict.MORE : Verdict.LESS;
        }
    }

    /** A query answering per member: whether in the control group, revenue, visits. */
    private static Groups perMember(JdbcClient.StatementSpec query) {
        Groups g = new Groups();
        query.query((rs, i) -> {
            g.add(rs.getBoolean(1), rs.getBigDecimal(2).doubleValue(), rs.getLong(3));
            return null;
        }).list();
        return g;
    }

    /**
     * A query answering per purchase of a member (or occurrence): its id, 1 when in the control group,
     * when its window starts, the purchase's time and amount (null: none); a purchase counts within
     * {@code days} after its window's start.
     */
    private static Groups windowed(JdbcClient.StatementSpec query, int days) {
        java.util.Map<Long, double[]> rows = new java.util.LinkedHashMap<>();
        java.util.Map<Long, Boolean> control = new java.util.HashMap<>();
        query.query((rs, i) -> {
            long id = rs.getLong(1);
            control.put(id, rs.getInt(2) == 1);
            double[] v = rows.computeIfAbsent(id, k -> new double[2]);
            OffsetDateTime start = rs.getObject(3, OffsetDateTime.class);
            OffsetDateTime bought = rs.getObject(4, OffsetDateTime.class);
            if (bought != null && bought.isBefore(start.plusDays(days))) {
                v[0] += rs.getBigDecimal(5).doubleValue();
                v[1]++;
            }
            return null;
        }).list();
        Groups g = new Groups();
        rows.forEach((id, v) -> g.add(control.get(id), v[0], v[1]));
        return g;
    }

    /** A batch of personal offers against its hold-out share, over the {@code days} after it was approved. */
    public record OfferResult(long batchId, String name, OffsetDateTime approvedAt, int days, long treated, long control,
                              Difference revenuePerMember, Difference visitsPerMember, BigDecimal treatedAverageCheck,
                              BigDecimal controlAverageCheck, Verdict verdict) {
    }

    public OfferResult offer(long batchId, int days) {
        if (days < 1 || days > DAYS_MAX) {
            throw ProblemException.invalid("days", "1 to " + DAYS_MAX);
        }
        var batch = jdbc.sql("SELECT name, approved_at FROM offer_batches WHERE id = :id AND status = 'APPROVED'").param("id", batchId)
                .query((rs, i) -> new Object[] {rs.getString(1), rs.getObject(2, OffsetDateTime.class)}).optional()
                .orElseThrow(() -> ProblemException.notFound("OFFER_BATCH_NOT_FOUND", "No approved offer batch " + batchId + "."));
        OffsetDateTime from = (OffsetDateTime) batch[1];
        Groups g = perMember(jdbc.sql("""
                SELECT c.holdout, COALESCE(SUM(p.subtotal - p.discount_total), 0), COUNT(p.id)
                FROM offer_candidates c
                LEFT JOIN purchases p ON p.member_id = c.member_id AND p.occurred_at >= :from AND p.occurred_at < :to
                WHERE c.batch_id = :b GROUP BY c.member_id, c.holdout""")
                .param("b", batchId).param("from", from).param("to", from.plusDays(days)));
        return new OfferResult(batchId, (String) batch[0], from, days, g.treated.size(), g.control.size(), g.revenue(), g.visits(),
                check(g.treated), check(g.control), g.verdict());
    }

    /** The uplift of the last sent newsletters, newest first, each over the {@code days} after sending. */
    public List<Result> recent(int limit, int days) {
        return jdbc.sql("SELECT id FROM newsletters WHERE status = 'SENT' ORDER BY id DESC LIMIT :l").param("l", Math.min(limit, 50))
                .query(Long.class).list().stream().map(id -> newsletter(id, days)).toList();
    }

    private static double[] column(List<double[]> rows, int i) {
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    private static BigDecimal check(List<double[]> rows) {
        double revenue = rows.stream().mapToDouble(r -> r[0]).sum();
        double visits = rows.stream().mapToDouble(r -> r[1]).sum();
        return visits == 0 ? null : BigDecimal.valueOf(revenue / visits).setScale(2, RoundingMode.HALF_UP);
    }
}
