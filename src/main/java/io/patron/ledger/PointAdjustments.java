package io.patron.ledger;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.program.Programs;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Manual corrections of a member's points by support, each with a mandatory reason, written to the
 * audit log and idempotent by the client's {@code Idempotency-Key}: the same key and content answer
 * the first result; the same key with other content is a conflict.
 */
@Service
public class PointAdjustments {

    public static final long POINTS_MAX = 10_000_000;
    public static final int REASON_MAX = 500;
    public static final int KEY_MAX = 100;

    private final Ledger ledger;
    private final Members members;
    private final Programs programs;
    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final Clock clock;

    private final io.patron.events.Events events;

    PointAdjustments(Ledger ledger, Members members, Programs programs, AuditLog audit, JdbcClient jdbc, Clock clock,
                     io.patron.events.Events events) {
        this.events = events;
        this.ledger = ledger;
        this.members = members;
        this.programs = programs;
        this.audit = audit;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public Adjustment adjust(MemberId memberId, long points, String reason, String idempotencyKey) {
        Validation v = new Validation();
        if (points == 0 || Math.abs(points) > POINTS_MAX) {
            v.reject("points", "must be a non-zero whole number between -" + POINTS_MAX + " and " + POINTS_MAX);
        }
        if (reason == null || reason.isBlank() || reason.length() > REASON_MAX) {
            v.reject("reason", "is required, at most " + REASON_MAX + " characters");
        }
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > KEY_MAX) {
            v.reject("Idempotency-Key", "header is required, at most " + KEY_MAX + " characters");
        }
        v.throwIfInvalid();
        Member member = members.get(memberId);
        OffsetDateTime now = OffsetDateTime.now(clock);
        PointsAccount before = ledger.lock(memberId, now);
        String hash = Secrets.sha256(points + "\n" + reason.trim());
        Optional<Adjustment> earlier = find(memberId, idempotencyKey);
        if (earlier.isPresent()) {
            if (!earlier.get().requestHash().equals(hash)) {
                throw ProblemException.conflict("IDEMPOTENCY_KEY_REUSED",
                        "This Idempotency-Key was used for a different adjustment.", "Idempotency-Key");
            }
            return earlier.get().asReplay();
        }
        if (!member.changeable()) {
            throw ProblemException.unprocessable("MEMBER_" + member.status().name(), "This member's points cannot change.");
        }
        if (points < 0 && before.available() < -points) {
            throw new ProblemException(org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT, "INSUFFICIENT_POINTS",
                    "Only " + Math.max(0, before.available()) + " points are available.", java.util.List.of(),
                    Map.of("pointsAvailable", Math.max(0, before.available())));
        }
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO point_adjustments (member_id, idempotency_key, points, reason, actor, request_hash, created_at)
                VALUES (:m, :k, :p, :r, :a, :h, :at)""")
                .param("m", memberId.value()).param("k", idempotencyKey).param("p", points).param("r", reason.trim())
                .param("a", Callers.actorName()).param("h", hash).param("at", now).update(keys, "id");
        long id = keys.getKey().longValue();
        OffsetDateTime expires = now.plusMonths(programs.active().definition().earning().expiryMonths());
        ledger.adjust(memberId, points, id, reason.trim(), expires, now);
        PointsAccount after = ledger.account(memberId, now);
        events.record(Ledger.POINTS_ADJUSTED, memberId.value(), null, Map.of("points", points, "adjustmentId", id), now);
        audit.record("POINTS_ADJUSTED", "member", memberId, Map.of("pointsAvailable", before.available()),
                Map.of("pointsAvailable", after.available(), "points", points, "reason", reason.trim()));
        return new Adjustment(id, memberId.value(), points, reason.trim(), now, hash, false);
    }

    private Optional<Adjustment> find(MemberId member, String key) {
        return jdbc.sql("SELECT * FROM point_adjustments WHERE member_id = :m AND idempotency_key = :k")
                .param("m", member.value()).param("k", key)
                .query((rs, i) -> new Adjustment(rs.getLong("id"), rs.getLong("member_id"), rs.getLong("points"),
                        rs.getString("reason"), rs.getObject("created_at", OffsetDateTime.class),
                        rs.getString("request_hash"), false))
                .optional();
    }

    /** A recorded adjustment; {@code replayed} when this answer repeats an earlier request. */
    public record Adjustment(long id, long memberId, long points, String reason, OffsetDateTime createdAt,
                             String requestHash, boolean replayed) {
        Adjustment asReplay() {
            return new Adjustment(id, memberId, points, reason, createdAt, requestHash, true);
        }
    }
}
