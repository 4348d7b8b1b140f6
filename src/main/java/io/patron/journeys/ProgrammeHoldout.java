package io.patron.journeys;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.members.MemberEnrolled;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The programme-wide hold-out: while its share is above zero, that share of newly enrolled members
 * (by a hash of the member id, so every instance agrees) is set aside at enrolment and gets no
 * marketing mail — no marketing journey, newsletter or personal offer — for good. Service mail (a
 * draw win, a sign-in link) still reaches them. The analytics compare what they buy with the others.
 */
@Service
public class ProgrammeHoldout {

    public static final int PERCENT_MAX = 50;
    private static final String SETTING = "new_member_holdout_percent";

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    ProgrammeHoldout(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** How long an instance trusts the share it read: a change made on another instance applies within this. */
    static final long CACHE_MILLIS = 5_000;
    private volatile long[] cached;

    /** The share of new members held out, in percent (0: none); read at most every few seconds, as enrolments ask for it. */
    public int percent() {
        long[] c = cached;
        long now = System.currentTimeMillis();
        if (c != null && c[1] > now) {
            return (int) c[0];
        }
        int percent = jdbc.sql("SELECT int_value FROM marketing_settings WHERE name = :n").param("n", SETTING).query(Integer.class).single();
        cached = new long[] {percent, now + CACHE_MILLIS};
        return percent;
    }

    @Transactional
    public int update(int percent) {
        if (percent < 0 || percent > PERCENT_MAX) {
            throw ProblemException.invalid("newMemberHoldoutPercent", "0 to " + PERCENT_MAX);
        }
        int before = percent();
        jdbc.sql("UPDATE marketing_settings SET int_value = :v, updated_at = :at, updated_by = :by WHERE name = :n")
                .param("v", percent).param("at", OffsetDateTime.now(clock)).param("by", Callers.actorName()).param("n", SETTING).update();
        audit.record("PROGRAMME_HOLDOUT_SET", "setting", SETTING, Map.of("percent", before), Map.of("percent", percent));
        cached = null;
        return percent;
    }

    /** Sets a new member aside when the hash falls in the share, in the enrolment's transaction. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void on(MemberEnrolled enrolled) {
        int percent = percent();
        long member = enrolled.memberId().value();
        if (percent > 0 && bucket(member) < percent) {
            jdbc.sql("INSERT INTO programme_holdout (member_id, assigned_at) VALUES (:m, :at)")
                    .param("m", member).param("at", OffsetDateTime.now(clock)).update();
        }
    }

    /** Whether the member was set aside: no marketing mail for them. */
    public boolean heldOut(long memberId) {
        return jdbc.sql("SELECT COUNT(*) FROM programme_holdout WHERE member_id = :m").param("m", memberId).query(Long.class).single() > 0;
    }

    /** 0–99 from a hash of the member id: uniform, and the same on every instance. */
    static int bucket(long memberId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("programme-holdout:" + memberId).getBytes(StandardCharsets.UTF_8));
            return Math.floorMod(((h[0] & 0xff) << 8) | (h[1] & 0xff), 100);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
