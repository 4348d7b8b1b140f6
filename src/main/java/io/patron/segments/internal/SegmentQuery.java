package io.patron.segments.internal;

import io.patron.segments.SegmentDefinition;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A segment definition as SQL over {@code members m}: the joins it needs and its conditions, with
 * named parameters. Purchases are aggregated per member once (in the window, and the last purchase
 * of all time) and joined, so the database does the whole evaluation.
 */
public record SegmentQuery(String from, String where, Map<String, Object> params) {

    public static SegmentQuery of(SegmentDefinition d, OffsetDateTime now) {
        return of(d, now, null);
    }

    /** @param ladder the active programme's tier ladder, needed when the definition names tiers */
    public static SegmentQuery of(SegmentDefinition d, OffsetDateTime now, io.patron.program.ProgramDefinition.Tiers ladder) {
        StringBuilder from = new StringBuilder("members m");
        StringBuilder where = new StringBuilder("m.status = 'ACTIVE'");
        Map<String, Object> params = new LinkedHashMap<>();
        if (d.usesWindow()) {
            from.append(" LEFT JOIN (SELECT member_id, COUNT(*) AS n, SUM(subtotal - discount_total) AS spend FROM purchases"
                    + " WHERE occurred_at >= :windowStart AND member_id IS NOT NULL GROUP BY member_id) w ON w.member_id = m.id");
            params.put("windowStart", now.minusDays(d.windowDays() == null ? 365 : d.windowDays()));
        }
        if (d.usesLastPurchase()) {
            from.append(" LEFT JOIN (SELECT member_id, MAX(occurred_at) AS last FROM purchases WHERE member_id IS NOT NULL"
                    + " GROUP BY member_id) l ON l.member_id = m.id");
        }
        if (!d.tiers().isEmpty() && ladder != null) {
            String value = ladder.basis().points() ? "points_earned" : "(subtotal - discount_total)";
            from.append(" LEFT JOIN (SELECT member_id, SUM(").append(value).append(") AS q FROM purchases WHERE occurred_at >= :tierFrom"
                    + " AND member_id IS NOT NULL GROUP BY member_id) t ON t.member_id = m.id");
            params.put("tierFrom", ladder.basis().rolling() ? now.minusMonths(ladder.rollingMonths())
                    : OffsetDateTime.parse("1970-01-01T00:00:00Z"));
            where.append(" AND (1 = 0");
            for (int i = 0; i < ladder.levels().size(); i++) {
                var level = ladder.levels().get(i);
                if (d.tiers().contains(level.name())) {
                    where.append(" OR (COALESCE(t.q, 0) >= :tierLo").append(i);
                    params.put("tierLo" + i, level.threshold());
                    if (i + 1 < ladder.levels().size()) {
                        where.append(" AND COALESCE(t.q, 0) < :tierHi").append(i);
                        params.put("tierHi" + i, ladder.levels().get(i + 1).threshold());
                    }
                    where.append(")");
                }
            }
            where.append(")");
        }
        if (!d.rfmClasses().isEmpty()) {
            where.append(" AND m.id IN (SELECT member_id FROM member_rfm WHERE rfm_class IN (:rfmClasses))");
            params.put("rfmClasses", d.rfmClasses());
        }
        if (!d.languages().isEmpty()) {
            where.append(" AND m.language IN (:languages)");
            params.put("languages", d.languages().stream().map(String::toLowerCase).toList());
        }
        if (!d.categories().isEmpty()) {
            where.append(" AND (");
            for (int i = 0; i < d.categories().size(); i++) {
                where.append(i == 0 ? "" : " OR ").append("(',' || m.categories || ',') LIKE :category").append(i);
                params.put("category" + i, "%," + d.categories().get(i).toUpperCase() + ",%");
            }
            where.append(")");
        }
        if (d.emailConsent() != null) {
            where.append(" AND m.email_consent = :consent");
            params.put("consent", d.emailConsent());
        }
        if (!d.stores().isEmpty()) {
            where.append(" AND m.enrolled_store_id IN (SELECT id FROM stores WHERE code IN (:stores))");
            params.put("stores", d.stores().stream().map(String::toUpperCase).toList());
        }
        if (!d.birthMonths().isEmpty()) {
            where.append(" AND EXTRACT(MONTH FROM m.birth_date) IN (:months)");
            params.put("months", d.birthMonths());
        }
        if (d.enrolledDaysMin() != null) {
            where.append(" AND m.created_at <= :enrolledBefore");
            params.put("enrolledBefore", now.minusDays(d.enrolledDaysMin()));
        }
        if (d.enrolledDaysMax() != null) {
            where.append(" AND m.created_at >= :enrolledAfter");
            params.put("enrolledAfter", now.minusDays(d.enrolledDaysMax()));
        }
        if (Boolean.FALSE.equals(d.purchasedEver())) {
            where.append(" AND l.last IS NULL");
        } else if (Boolean.TRUE.equals(d.purchasedEver())) {
            where.append(" AND l.last IS NOT NULL");
        }
        if (d.lastPurchaseDaysMin() != null) {
            where.append(" AND l.last <= :lastBefore");
            params.put("lastBefore", now.minusDays(d.lastPurchaseDaysMin()));
        }
        if (d.lastPurchaseDaysMax() != null) {
            where.append(" AND l.last >= :lastAfter");
            params.put("lastAfter", now.minusDays(d.lastPurchaseDaysMax()));
        }
        if (d.purchasesMin() != null) {
            where.append(" AND COALESCE(w.n, 0) >= :purchasesMin");
            params.put("purchasesMin", d.purchasesMin());
        }
        if (d.purchasesMax() != null) {
            where.append(" AND COALESCE(w.n, 0) <= :purchasesMax");
            params.put("purchasesMax", d.purchasesMax());
        }
        if (d.spendMin() != null) {
            where.append(" AND COALESCE(w.spend, 0) >= :spendMin");
            params.put("spendMin", d.spendMin());
        }
        if (d.spendMax() != null) {
            where.append(" AND COALESCE(w.spend, 0) <= :spendMax");
            params.put("spendMax", d.spendMax());
        }
        if (d.referralsMin() != null) {
            where.append(" AND (SELECT COUNT(*) FROM members r WHERE r.referred_by = m.id) >= :referralsMin");
            params.put("referralsMin", d.referralsMin());
        }
        return new SegmentQuery(from.toString(), where.toString(), params);
    }

    public List<String> parameterNames() {
        return List.copyOf(params.keySet());
    }
}
