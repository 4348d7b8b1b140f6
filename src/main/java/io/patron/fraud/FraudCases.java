package io.patron.fraud;

import io.micrometer.core.instrument.MeterRegistry;
import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The review queue: cases the velocity rules raised, their notes and how they were closed, and the
 * holds on members' redemptions. Opening a case for a rule that holds puts the member on hold; closing
 * it as not fraud releases that hold, closing it as fraud keeps it until someone releases it. Every
 * hold, release, assignment and closing is in the audit log.
 */
@Service
public class FraudCases {

    public static final int NOTE_MAX = 2000;

    private final JdbcClient jdbc;
    private final io.patron.members.Members members;
    private final AuditLog audit;
    private final MeterRegistry meters;
    private final Clock clock;

    FraudCases(JdbcClient jdbc, io.patron.members.Members members, AuditLog audit, MeterRegistry meters, Clock clock) {
        this.jdbc = jdbc;
        this.members = members;
        this.audit = audit;
        this.meters = meters;
        this.clock = clock;
    }

    /** Why the member's redemptions are held, if they are: the till's commit refuses to spend their points. */
    public Optional<String> heldReason(long memberId) {
        return jdbc.sql("SELECT reason FROM member_holds WHERE member_id = :m").param("m", memberId).query(String.class).optional();
    }

    public Optional<FraudCase.Hold> hold(long memberId) {
        return jdbc.sql("SELECT * FROM member_holds WHERE member_id = :m").param("m", memberId).query(FraudCases::hold).optional();
    }

    public Page<FraudCase.Hold> holds(PageRequest page) {
        long total = jdbc.sql("SELECT COUNT(*) FROM member_holds").query(Long.class).single();
        return new Page<>(jdbc.sql("SELECT * FROM member_holds ORDER BY held_at DESC LIMIT :l OFFSET :o").param("l", page.size())
                .param("o", page.offset()).query(FraudCases::hold).list(), page.page(), page.size(), total);
    }

    /**
     * Opens a case for a rule and subject, or brings the open one up to date (the count and evidence of
     * the latest match); a case of a holding rule holds the member's redemptions. Runs in the caller's
     * transaction (the reaction's). Answers the case id and whether it was opened now.
     */
    record Raised(long id, boolean opened) {
    }

    Raised raise(String ruleId, String kind, Long memberId, Long tillId, String pattern, long observed, int limit, int windowMinutes,
                 java.util.function.Supplier<String> evidence, boolean holds, String reason) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        String key = ruleId + ":" + (memberId != null ? "m" + memberId : tillId != null ? "t" + tillId : "p" + pattern);
        record Open(long id, OffsetDateTime updatedAt) {
        }
        Optional<Open> open = jdbc.sql("SELECT id, updated_at FROM fraud_cases WHERE open_key = :k").param("k", key)
                .query((rs, i) -> new Open(rs.getLong(1), rs.getObject(2, OffsetDateTime.class))).optional();
        if (open.isPresent()) {
            // An open case is brought up to date at most once a minute: a busy subject does not rewrite it at every sale.
            if (open.get().updatedAt().isBefore(now.minusMinutes(1))) {
                jdbc.sql("UPDATE fraud_cases SET observed = GREATEST(observed, :n), evidence = :e, updated_at = :now WHERE id = :id")
                        .param("n", observed).param("e", cut(evidence.get())).param("now", now).param("id", open.get().id()).update();
            }
            return new Raised(open.get().id(), false);
        }
        String evidenceCut = cut(evidence.get());
        int inserted = jdbc.sql("""
                INSERT INTO fraud_cases (rule_id, kind, member_id, till_id, pattern, open_key, status, observed, rule_limit, window_minutes,
                    evidence, holds, opened_at, updated_at)
                VALUES (:r, :kind, :m, :t, :p, :k, 'OPEN', :n, :l, :w, :e, :h, :now, :now) ON CONFLICT DO NOTHING""")
                .param("r", ruleId).param("kind", kind).param("m", memberId).param("t", tillId)
                .param("p", pattern == null ? null : pattern.length() > 300 ? pattern.substring(0, 300) : pattern)
                .param("k", key).param("n", observed).param("l", limit).param("w", windowMinutes).param("e", evidenceCut)
                .param("h", holds && memberId != null).param("now", now).update();
        long id = jdbc.sql("SELECT id FROM fraud_cases WHERE open_key = :k").param("k", key).query(Long.class).single();
        if (inserted == 0) {
            return new Raised(id, false);
        }
        meters.counter("patron.fraud.cases.opened", "rule", ruleId, "kind", kind).increment();
        audit.record("FRAUD_CASE_OPENED", "fraud_case", id, null, Map.of("rule", ruleId, "observed", observed, "limit", limit));
        if (holds && memberId != null) {
            putOnHold(memberId, id, reason, "system");
        }
        return new Raised(id, true);
    }

    private static String cut(String evidence) {
        return evidence.length() > 4000 ? evidence.substring(0, 4000) : evidence;
    }

    private void putOnHold(long memberId, Long caseId, String reason, String by) {
        String cut = reason.length() > 500 ? reason.substring(0, 500) : reason;
        int rows = jdbc.sql("""
                INSERT INTO member_holds (member_id, case_id, reason, held_at, held_by) VALUES (:m, :c, :r, :at, :by)
                ON CONFLICT DO NOTHING""")
                .param("m", memberId).param("c", caseId).param("r", cut).param("at", OffsetDateTime.now(clock)).param("by", by).update();
        if (rows > 0) {
            meters.counter("patron.fraud.holds", "action", "hold").increment();
            audit.record("REDEMPTIONS_HELD", "member", memberId, null, Map.of("case", caseId == null ? "" : caseId, "reason", cut));
        }
    }

    /** Holds a member's redemptions by hand (support), with a reason. */
    @Transactional
    public FraudCase.Hold holdMember(long memberId, Long caseId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ProblemException.invalid("reason", "is required, at most 500 characters");
        }
        members.get(new io.patron.members.MemberId(memberId));
        putOnHold(memberId, caseId, reason.trim(), Callers.actorName());
        return hold(memberId).orElseThrow();
    }

    /** Lets the member spend points again. */
    @Transactional
    public void release(long memberId, String note) {
        Optional<FraudCase.Hold> before = hold(memberId);
        if (before.isEmpty()) {
            return;
        }
        jdbc.sql("DELETE FROM member_holds WHERE member_id = :m").param("m", memberId).update();
        meters.counter("patron.fraud.holds", "action", "release").increment();
        audit.record("REDEMPTIONS_RELEASED", "member", memberId, before.get(), note == null || note.isBlank() ? null : Map.of("note", note.trim()));
    }

    public FraudCase get(long id) {
        return jdbc.sql("SELECT * FROM fraud_cases WHERE id = :id").param("id", id).query(FraudCases::fraudCase).optional()
                .orElseThrow(() -> ProblemException.notFound("FRAUD_CASE_NOT_FOUND", "No such case."));
    }

    public Page<FraudCase> page(FraudCase.Status status, PageRequest page) {
        String where = status == null ? "" : " WHERE status = :s";
        long total = jdbc.sql("SELECT COUNT(*) FROM fraud_cases" + where).param("s", status == null ? "" : status.name())
                .query(Long.class).single();
        List<FraudCase> items = jdbc.sql("SELECT * FROM fraud_cases" + where + " ORDER BY id DESC LIMIT :l OFFSET :o")
                .param("s", status == null ? "" : status.name()).param("l", page.size()).param("o", page.offset())
                .query(FraudCases::fraudCase).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    public List<FraudCase> ofMember(long memberId) {
        return jdbc.sql("SELECT * FROM fraud_cases WHERE member_id = :m ORDER BY id DESC LIMIT 100").param("m", memberId)
                .query(FraudCases::fraudCase).list();
    }

    public List<FraudCase.Note> notes(long caseId) {
        return jdbc.sql("SELECT * FROM fraud_case_notes WHERE case_id = :c ORDER BY id LIMIT 500").param("c", caseId)
                .query((rs, i) -> new FraudCase.Note(rs.getLong("id"), rs.getString("author"), rs.getString("note"),
                        rs.getObject("noted_at", OffsetDateTime.class))).list();
    }

    @Transactional
    public FraudCase assign(long id, String assignee) {
        FraudCase before = get(id);
        String who = assignee == null || assignee.isBlank() ? null : assignee.trim();
        if (who != null && who.length() > 100) {
            throw ProblemException.invalid("assignee", "at most 100 characters");
        }
        jdbc.sql("UPDATE fraud_cases SET assignee = :a, updated_at = :now WHERE id = :id").param("a", who)
                .param("now", OffsetDateTime.now(clock)).param("id", id).update();
        FraudCase after = get(id);
        audit.record("FRAUD_CASE_ASSIGNED", "fraud_case", id, before.assignee(), after.assignee());
        return after;
    }

    @Transactional
    public FraudCase.Note note(long id, String text) {
        get(id);
        if (text == null || text.isBlank() || text.length() > NOTE_MAX) {
            throw ProblemException.invalid("note", "is required, at most " + NOTE_MAX + " characters");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("INSERT INTO fraud_case_notes (case_id, author, note, noted_at) VALUES (:c, :a, :n, :at)")
                .param("c", id).param("a", Callers.actorName()).param("n", text.trim()).param("at", now).update();
        jdbc.sql("UPDATE fraud_cases SET updated_at = :now WHERE id = :id").param("now", now).param("id", id).update();
        List<FraudCase.Note> notes = notes(id);
        return notes.getLast();
    }

    /**
     * Closes a case. Not fraud: a hold this case put on the member is released. Fraud: the hold stays
     * until someone releases it.
     */
    @Transactional
    public FraudCase close(long id, FraudCase.Resolution resolution, String note) {
        FraudCase before = get(id);
        if (resolution == null) {
            throw ProblemException.invalid("resolution", "FRAUD or NOT_FRAUD");
        }
        if (before.status() == FraudCase.Status.CLOSED) {
            return before;
        }
        if (note != null && !note.isBlank()) {
            note(id, note);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("""
                UPDATE fraud_cases SET status = 'CLOSED', open_key = NULL, closed_at = :now, closed_by = :by, resolution = :r, updated_at = :now
                WHERE id = :id""").param("now", now).param("by", Callers.actorName()).param("r", resolution.name()).param("id", id).update();
        if (resolution == FraudCase.Resolution.NOT_FRAUD && before.memberId() != null) {
            hold(before.memberId()).filter(h -> h.caseId() != null && h.caseId() == id)
                    .ifPresent(h -> release(before.memberId(), "case " + id + " closed: not fraud"));
        }
        FraudCase after = get(id);
        audit.record("FRAUD_CASE_CLOSED", "fraud_case", id, before.status().name(), Map.of("resolution", resolution.name()));
        return after;
    }

    /** Cases opened per rule over the last {@code days}, with how many are still open: the queue page's summary. */
    public List<RuleCount> countsByRule(int days) {
        return jdbc.sql("""
                SELECT rule_id, COUNT(*), SUM(CASE WHEN status = 'OPEN' THEN 1 ELSE 0 END) FROM fraud_cases
                WHERE opened_at >= :since GROUP BY rule_id ORDER BY rule_id""")
                .param("since", OffsetDateTime.now(clock).minusDays(days))
                .query((rs, i) -> new RuleCount(rs.getString(1), rs.getLong(2), rs.getLong(3))).list();
    }

    public record RuleCount(String ruleId, long opened, long open) {
    }

    private static FraudCase fraudCase(ResultSet rs, int row) throws SQLException {
        long member = rs.getLong("member_id");
        Long memberId = rs.wasNull() ? null : member;
        long till = rs.getLong("till_id");
        Long tillId = rs.wasNull() ? null : till;
        String resolution = rs.getString("resolution");
        return new FraudCase(rs.getLong("id"), rs.getString("rule_id"), rs.getString("kind"), memberId, tillId, rs.getString("pattern"),
                FraudCase.Status.valueOf(rs.getString("status")), rs.getLong("observed"), rs.getInt("rule_limit"),
                rs.getInt("window_minutes"), rs.getString("evidence"), rs.getBoolean("holds"), rs.getString("assignee"),
                rs.getObject("opened_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getObject("closed_at", OffsetDateTime.class), rs.getString("closed_by"),
                resolution == null ? null : FraudCase.Resolution.valueOf(resolution));
    }

    private static FraudCase.Hold hold(ResultSet rs, int row) throws SQLException {
        long c = rs.getLong("case_id");
        Long caseId = rs.wasNull() ? null : c;
        return new FraudCase.Hold(rs.getLong("member_id"), caseId, rs.getString("reason"), rs.getObject("held_at", OffsetDateTime.class),
                rs.getString("held_by"));
    }
}
