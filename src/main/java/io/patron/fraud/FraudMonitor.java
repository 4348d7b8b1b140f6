package io.patron.fraud;

import io.patron.events.Event;
import io.patron.events.EventReaction;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.program.ProgramDefinition;
import io.patron.program.ProgramDefinition.FraudKind;
import io.patron.program.ProgramDefinition.FraudRule;
import io.patron.program.Programs;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The velocity rules, checked after each sale, return and enrolment has committed (an event reaction:
 * a slow or failing check never touches the till). Each rule counts within its window what it watches
 * — from the purchases and returns themselves, or from the few signals this reaction keeps (contact
 * patterns of enrolments, phone redemptions per till) — and a count over the rule's limit raises a case
 * with the latest rows as evidence. Every count reads an index over a short window, never a member's
 * whole history.
 */
@Component
class FraudMonitor implements EventReaction {

    static final String PURCHASE_RECORDED = "purchase.recorded";
    static final String RETURN_RECORDED = "return.recorded";
    static final String MEMBER_ENROLLED = "member.enrolled";
    private static final int EVIDENCE_ROWS = 10;

    private final JdbcClient jdbc;
    private final Programs programs;
    private final Members members;
    private final FraudCases cases;
    private final JsonMapper json;

    FraudMonitor(JdbcClient jdbc, Programs programs, Members members, FraudCases cases, JsonMapper json) {
        this.jdbc = jdbc;
        this.programs = programs;
        this.members = members;
        this.cases = cases;
        this.json = json;
    }

    @Override
    public String name() {
        return "fraud";
    }

    @Override
    public boolean wants(String type) {
        return type.equals(PURCHASE_RECORDED) || type.equals(RETURN_RECORDED) || type.equals(MEMBER_ENROLLED);
    }

    @Override
    public void on(Event event) {
        ProgramDefinition.Fraud fraud = programs.active().definition().fraud();
        if (fraud == null || fraud.rules().isEmpty() || event.memberId() == null) {
            return;
        }
        switch (event.type()) {
            case PURCHASE_RECORDED -> purchased(fraud.rules(), event);
            case RETURN_RECORDED -> returned(fraud.rules(), event);
            default -> enrolled(fraud.rules(), event);
        }
    }

    private void purchased(List<FraudRule> rules, Event event) {
        long member = event.memberId();
        OffsetDateTime at = event.occurredAt();
        boolean redeemed = event.data().containsKey("pointsRedeemed") && event.number("pointsRedeemed") > 0;
        for (FraudRule rule : rules) {
            if (rule.kind() == null || rule.limit() == null) {
                continue;
            }
            OffsetDateTime since = at.minusMinutes(rule.window());
            switch (rule.kind()) {
                case SALES -> check(rule, member, null, null, count("""
                        SELECT COUNT(*) FROM purchases WHERE member_id = :m AND occurred_at > :since AND kind = 'TILL'""", member, since),
                        () -> recentPurchases(member, since, false), "sales");
                case REDEMPTIONS -> {
                    if (redeemed) {
                        check(rule, member, null, null, count("""
                                SELECT COUNT(*) FROM purchases WHERE member_id = :m AND occurred_at > :since AND kind = 'TILL'
                                  AND points_redeemed > 0""", member, since), () -> recentPurchases(member, since, true), "redemptions");
                    }
                }
                case REDEMPTION_STORES -> {
                    if (redeemed) {
                        check(rule, member, null, null, count("""
                                SELECT COUNT(DISTINCT store_id) FROM purchases WHERE member_id = :m AND occurred_at > :since
                                  AND kind = 'TILL' AND points_redeemed > 0""", member, since), () -> recentPurchases(member, since, true), "stores");
                    }
                }
                case TILL_PHONE_REDEMPTIONS -> {
                    if (redeemed && event.flag("byPhone") && event.data().containsKey("tillId")) {
                        String till = String.valueOf(event.number("tillId"));
                        signal("TILL_PHONE", till, member, at);
                        long distinct = jdbc.sql("""
                                SELECT COUNT(DISTINCT member_id) FROM fraud_signals WHERE kind = 'TILL_PHONE' AND subject = :s AND seen_at > :since""")
                                .param("s", till).param("since", since).query(Long.class).single();
                        check(rule, null, event.number("tillId"), null, distinct, () -> Map.of("till", till), "members by phone");
                    }
                }
                default -> {
                }
            }
        }
    }

    private void returned(List<FraudRule> rules, Event event) {
        long member = event.memberId();
        for (FraudRule rule : rules) {
            if (rule.kind() != FraudKind.RETURNS_AFTER_REDEMPTION || rule.limit() == null) {
                continue;
            }
            OffsetDateTime since = event.occurredAt().minusMinutes(rule.window());
            long returns = jdbc.sql("""
                    SELECT COUNT(*) FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id
                    WHERE p.member_id = :m AND p.points_redeemed > 0 AND r.occurred_at > :since""")
                    .param("m", member).param("since", since).query(Long.class).single();
            check(rule, member, null, null, returns, () -> Map.of("returns", jdbc.sql("""
                    SELECT r.purchase_id, r.return_id, r.occurred_at, p.points_redeemed FROM purchase_returns r
                    JOIN purchases p ON p.id = r.purchase_id
                    WHERE p.member_id = :m AND p.points_redeemed > 0 AND r.occurred_at > :since ORDER BY r.id DESC LIMIT :l""")
                    .param("m", member).param("since", since).param("l", EVIDENCE_ROWS)
                    .query((rs, i) -> Map.<String, Object>of("purchaseId", rs.getLong(1), "returnId", rs.getString(2),
                            "at", String.valueOf(rs.getObject(3, OffsetDateTime.class)), "pointsRedeemed", rs.getLong(4))).list()),
                    "returns after redemptions");
        }
    }

    private void enrolled(List<FraudRule> rules, Event event) {
        Member member = members.find(new MemberId(event.memberId())).orElse(null);
        if (member == null) {
            return;
        }
        List<String> patterns = new ArrayList<>();
        if (member.email() != null) {
            patterns.add("email:" + emailPattern(member.email()));
        }
        if (member.phone() != null && member.phone().length() > 6) {
            patterns.add("phone:" + phonePattern(member.phone()));
        }
        for (String pattern : patterns) {
            signal("ENROLMENT", pattern, member.id().value(), event.occurredAt());
        }
        for (FraudRule rule : rules) {
            if (rule.kind() != FraudKind.ENROLMENT_PATTERN || rule.limit() == null) {
                continue;
            }
            OffsetDateTime since = event.occurredAt().minusMinutes(rule.window());
            for (String pattern : patterns) {
                long enrolled = jdbc.sql("""
                        SELECT COUNT(DISTINCT member_id) FROM fraud_signals WHERE kind = 'ENROLMENT' AND subject = :s AND seen_at > :since""")
                        .param("s", pattern).param("since", since).query(Long.class).single();
                check(rule, null, null, pattern, enrolled, () -> Map.of("pattern", pattern, "members", jdbc.sql("""
                        SELECT member_id FROM fraud_signals WHERE kind = 'ENROLMENT' AND subject = :s AND seen_at > :since ORDER BY id DESC LIMIT :l""")
                        .param("s", pattern).param("since", since).param("l", EVIDENCE_ROWS).query(Long.class).list()), "enrolments");
            }
        }
    }

    /** The same e-mail name but for its digits, dots and +tags, at the same domain: member12@x.org and member.77@x.org. */
    static String emailPattern(String email) {
        String lower = email.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        String local = at < 0 ? lower : lower.substring(0, at);
        int plus = local.indexOf('+');
        if (plus >= 0) {
            local = local.substring(0, plus);
        }
        return local.replaceAll("[0-9._-]", "") + "#@" + (at < 0 ? "" : lower.substring(at + 1));
    }

    /** A phone number but for its last three digits. */
    static String phonePattern(String phone) {
        return phone.substring(0, phone.length() - 3) + "xxx";
    }

    private void signal(String kind, String subject, long member, OffsetDateTime at) {
        jdbc.sql("INSERT INTO fraud_signals (kind, subject, member_id, seen_at) VALUES (:k, :s, :m, :at)")
                .param("k", kind).param("s", subject.length() > 300 ? subject.substring(0, 300) : subject).param("m", member)
                .param("at", at).update();
    }

    private long count(String sql, long member, OffsetDateTime since) {
        return jdbc.sql(sql).param("m", member).param("since", since).query(Long.class).single();
    }

    private Map<String, Object> recentPurchases(long member, OffsetDateTime since, boolean redemptionsOnly) {
        List<Map<String, Object>> rows = jdbc.sql("SELECT id, store_id, occurred_at, points_redeemed, receipt_id FROM purchases "
                        + "WHERE member_id = :m AND occurred_at > :since AND kind = 'TILL'" + (redemptionsOnly ? " AND points_redeemed > 0" : "")
                        + " ORDER BY occurred_at DESC LIMIT :l")
                .param("m", member).param("since", since).param("l", EVIDENCE_ROWS)
                .query((rs, i) -> Map.<String, Object>of("purchaseId", rs.getLong(1), "storeId", rs.getLong(2),
                        "at", String.valueOf(rs.getObject(3, OffsetDateTime.class)), "pointsRedeemed", rs.getLong(4),
                        "receiptId", rs.getString(5))).list();
        return Map.of("purchases", rows);
    }

    /** Raises a case when the count is over the rule's limit; the evidence is read only then, and only when the case needs it. */
    private void check(FraudRule rule, Long member, Long till, String pattern, long observed, Supplier<Map<String, Object>> details,
                       String what) {
        if (observed <= rule.limit()) {
            return;
        }
        Supplier<String> evidence = () -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("rule", rule.id());
            e.put("kind", rule.kind().name());
            e.put("observed", observed);
            e.put("limit", rule.limit());
            e.put("windowMinutes", rule.window());
            e.putAll(details.get());
            return json.writeValueAsString(e);
        };
        String reason = "Held by fraud monitoring: " + observed + " " + what + " within " + rule.window() + " minutes (rule " + rule.id()
                + ", at most " + rule.limit() + ")";
        cases.raise(rule.id(), rule.kind().name(), member, till, pattern, observed, rule.limit(), rule.window(), evidence, rule.holds(), reason);
    }
}
