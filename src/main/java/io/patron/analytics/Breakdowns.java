package io.patron.analytics;

import io.patron.feedback.Feedback;
import io.patron.segments.Rfm;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The dashboard's breakdowns beside the period measures: RFM classes with their share of revenue
 * ("the most profitable customers"), coupon campaigns' issue and redemption, draw participation, and
 * NPS and satisfaction per store.
 */
@Service
public class Breakdowns {

    private static final int ROWS_MAX = 50;

    private final JdbcClient jdbc;
    private final Rfm rfm;
    private final Feedback feedback;

    Breakdowns(JdbcClient jdbc, Rfm rfm, Feedback feedback) {
        this.jdbc = jdbc;
        this.rfm = rfm;
        this.feedback = feedback;
    }

    /** An RFM class: members, their spend in the last year and its share of all classes' spend. */
    public record RfmShare(Rfm.RfmClass rfmClass, long members, BigDecimal spend, BigDecimal share) {
    }

    public List<RfmShare> rfm() {
        List<Rfm.ClassSize> sizes = rfm.sizes();
        BigDecimal total = sizes.stream().map(Rfm.ClassSize::spend).reduce(BigDecimal.ZERO, BigDecimal::add);
        return sizes.stream().map(c -> new RfmShare(c.rfmClass(), c.members(), c.spend(),
                total.signum() == 0 ? null : c.spend().divide(total, 4, RoundingMode.HALF_UP))).toList();
    }

    /** A coupon campaign: codes issued (or generated), codes used at least once, and the share used. */
    public record CampaignRate(String code, String name, long issued, long used, BigDecimal rate) {
    }

    public List<CampaignRate> coupons() {
        return jdbc.sql("""
                SELECT c.code, c.name, COUNT(k.id), COALESCE(SUM(CASE WHEN k.uses > 0 THEN 1 ELSE 0 END), 0)
                FROM coupon_campaigns c LEFT JOIN coupons k ON k.campaign_id = c.id
                GROUP BY c.id, c.code, c.name ORDER BY c.id DESC LIMIT :l""")
                .param("l", ROWS_MAX)
                .query((rs, i) -> {
                    long issued = rs.getLong(3);
                    long used = rs.getLong(4);
                    return new CampaignRate(rs.getString(1), rs.getString(2), issued, used,
                            issued == 0 ? null : BigDecimal.valueOf(used).divide(BigDecimal.valueOf(issued), 4, RoundingMode.HALF_UP));
                }).list();
    }

    /** A draw: its valid tickets and the members holding them. */
    public record DrawParticipation(String code, String name, String status, long tickets, long members) {
    }

    public List<DrawParticipation> draws() {
        return jdbc.sql("""
                SELECT d.code, d.name, d.status, COUNT(t.id), COUNT(DISTINCT t.member_id)
                FROM draws d LEFT JOIN draw_tickets t ON t.draw_id = d.id AND t.voided_at IS NULL
                GROUP BY d.id, d.code, d.name, d.status ORDER BY d.id DESC LIMIT :l""")
                .param("l", ROWS_MAX)
                .query((rs, i) -> new DrawParticipation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)))
                .list();
    }

    /** A member who brought others: how many, and what those members bought in the period's months. */
    public record Referrer(long memberId, String firstName, long brought, BigDecimal revenue) {
    }

    /** The referrers whose members bought the most in the months the period touches (at most 50). */
    public List<Referrer> referrers(Analytics.Period period) {
        return jdbc.sql("""
                SELECT r.id, r.first_name, x.brought, x.revenue FROM (
                  SELECT m.referred_by AS referrer, COUNT(*) AS brought,
                         COALESCE(SUM((SELECT SUM(mm.sales) FROM rollup_member_month mm
                                       WHERE mm.member_id = m.id AND mm.sale_month >= :first AND mm.sale_month <= :last)), 0) AS revenue
                  FROM members m WHERE m.referred_by IS NOT NULL GROUP BY m.referred_by) x
                JOIN members r ON r.id = x.referrer
                WHERE r.status IN ('ACTIVE', 'BLOCKED')
                ORDER BY x.revenue DESC, r.id LIMIT :l""")
                .param("first", java.sql.Date.valueOf(period.from().withDayOfMonth(1)))
                .param("last", java.sql.Date.valueOf(period.to().withDayOfMonth(1))).param("l", ROWS_MAX)
                .query((rs, i) -> new Referrer(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBigDecimal(4))).list();
    }

    /** NPS and satisfaction per store for a period of (UTC) days. */
    public List<Feedback.StoreScore> feedback(LocalDate from, LocalDate to) {
        return feedback.scores(from.atStartOfDay().atOffset(ZoneOffset.UTC), to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
    }
}
