package io.patron.portal.internal;

import io.patron.common.Secrets;
import io.patron.members.MemberId;
import io.patron.members.PersonalData;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * One-time sign-in links for the member portal. The token travels only in the e-mail; the database
 * keeps its SHA-256. A token works once, for {@link #VALIDITY}, and a new one does not revoke older
 * ones still in flight (the member may click whichever mail arrives first).
 */
@Component
public class LoginLinks implements PersonalData {

    static final Duration VALIDITY = Duration.ofMinutes(30);
    private static final int TOKEN_LENGTH = 43;

    private final JdbcClient jdbc;
    private final Clock clock;

    LoginLinks(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Creates a token for the member and returns it in clear text, for the e-mail only. */
    @Transactional
    public String issue(MemberId member) {
        String token = Secrets.random(TOKEN_LENGTH);
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("""
                INSERT INTO portal_login_tokens (token_hash, member_id, created_at, expires_at)
                VALUES (:hash, :member, :now, :expires)""")
                .param("hash", Secrets.sha256(token)).param("member", member.value()).param("now", now)
                .param("expires", now.plus(VALIDITY)).update();
        return token;
    }

    /** The member of a valid, unused token, marking it used; empty for unknown, used or expired tokens. */
    @Transactional
    public Optional<MemberId> redeem(String token) {
        if (token == null || token.length() != TOKEN_LENGTH) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        String hash = Secrets.sha256(token);
        // The conditional update makes the token single-use even when two clicks race.
        int used = jdbc.sql("""
                UPDATE portal_login_tokens SET used_at = :now
                WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now""")
                .param("now", now).param("hash", hash).update();
        if (used != 1) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT member_id FROM portal_login_tokens WHERE token_hash = :hash").param("hash", hash)
                .query((rs, n) -> new MemberId(rs.getLong(1))).optional();
    }

    /** Whether a token is valid right now, without using it (the confirmation page). */
    public boolean valid(String token) {
        if (token == null || token.length() != TOKEN_LENGTH) {
            return false;
        }
        return jdbc.sql("""
                SELECT COUNT(*) FROM portal_login_tokens WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now""")
                .param("hash", Secrets.sha256(token)).param("now", OffsetDateTime.now(clock)).query(Long.class).single() == 1;
    }

    @Override
    public String section() {
        return "portalSignIns";
    }

    @Override
    public Object export(MemberId member) {
        List<Map<String, Object>> rows = jdbc.sql("""
                SELECT created_at, used_at FROM portal_login_tokens WHERE member_id = :m ORDER BY id DESC LIMIT 1000""")
                .param("m", member.value())
                .query((rs, n) -> Map.<String, Object>of("requestedAt", String.valueOf(rs.getObject(1, OffsetDateTime.class)),
                        "usedAt", String.valueOf(rs.getObject(2, OffsetDateTime.class))))
                .list();
        return rows;
    }

    @Override
    public void erase(MemberId member) {
        jdbc.sql("DELETE FROM portal_login_tokens WHERE member_id = :m").param("m", member.value()).update();
    }
}
