package io.patron.portal.internal;

import io.patron.common.Secrets;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.PersonalData;
import io.patron.sms.Sms;
import io.patron.sms.SmsChannel;
import io.patron.sms.SmsTemplates;
import java.security.SecureRandom;
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
 * Portal sign-in by phone: a 6-digit code by SMS, bound to a challenge the browser carries from the
 * phone form to the code form. Codes work once, for {@link #VALIDITY}, and {@link #ATTEMPTS_MAX} wrong
 * tries close the challenge. A challenge is made for a number no member has as well, and its code
 * simply never works: the pages answer alike either way.
 */
@Component
public class SignInCodes implements PersonalData {

    static final Duration VALIDITY = Duration.ofMinutes(10);
    static final int ATTEMPTS_MAX = 5;
    private static final int CHALLENGE_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final org.springframework.beans.factory.ObjectProvider<SmsChannel> sms;
    private final SmsTemplates templates;
    private final Clock clock;

    /** The SMS channel is looked up when a code is sent: it needs the members, whose erasure reaches back here. */
    SignInCodes(JdbcClient jdbc, org.springframework.beans.factory.ObjectProvider<SmsChannel> sms, SmsTemplates templates, Clock clock) {
        this.jdbc = jdbc;
        this.sms = sms;
        this.templates = templates;
        this.clock = clock;
    }

    /** Makes a challenge, and sends its code to the member's phone when there is a member; answers the challenge. */
    @Transactional
    public String start(Optional<Member> member) {
        String challenge = Secrets.random(CHALLENGE_LENGTH);
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        String salt = Secrets.random(16);
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("""
                INSERT INTO portal_sign_in_codes (challenge_hash, member_id, salt, code_hash, attempts, created_at, expires_at)
                VALUES (:c, :m, :s, :h, 0, :now, :exp)""")
                .param("c", Secrets.sha256(challenge)).param("m", member.map(m -> m.id().value()).orElse(null)).param("s", salt)
                .param("h", Secrets.sha256(salt + code)).param("now", now).param("exp", now.plus(VALIDITY)).update();
        member.filter(m -> m.phone() != null).ifPresent(m -> {
            String text = templates.render("sign-in-code", m.language(),
                    Map.of("code", Sms.SECRET_MARK, "minutes", String.valueOf(VALIDITY.toMinutes())));
            sms.getObject().queue(Sms.transactional("sign-in-code", m.id(), m.phone(), text).withSecret(code));
        });
        return challenge;
    }

    /** Whether the challenge can still take a code (the code page says "start again" otherwise). */
    public boolean open(String challenge) {
        if (challenge == null || challenge.length() != CHALLENGE_LENGTH) {
            return false;
        }
        return jdbc.sql("""
                SELECT COUNT(*) FROM portal_sign_in_codes
                WHERE challenge_hash = :c AND used_at IS NULL AND expires_at > :now AND attempts < :max""")
                .param("c", Secrets.sha256(challenge)).param("now", OffsetDateTime.now(clock)).param("max", ATTEMPTS_MAX)
                .query(Long.class).single() == 1;
    }

    /** The member whose code this is, using it up; empty for a wrong code (counted), an unknown, used, expired or closed challenge. */
    @Transactional
    public Optional<MemberId> use(String challenge, String code) {
        if (challenge == null || challenge.length() != CHALLENGE_LENGTH || code == null) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        String hash = Secrets.sha256(challenge);
        record Row(long id, Long member, String salt, String codeHash, int attempts, OffsetDateTime expires, OffsetDateTime used) {
        }
        Optional<Row> found = jdbc.sql("SELECT * FROM portal_sign_in_codes WHERE challenge_hash = :c FOR UPDATE").param("c", hash)
                .query((rs, i) -> new Row(rs.getLong("id"), (Long) rs.getObject("member_id", Long.class), rs.getString("salt"),
                        rs.getString("code_hash"), rs.getInt("attempts"), rs.getObject("expires_at", OffsetDateTime.class),
                        rs.getObject("used_at", OffsetDateTime.class)))
                .optional();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Row row = found.get();
        if (row.used() != null || !row.expires().isAfter(now) || row.attempts() >= ATTEMPTS_MAX) {
            return Optional.empty();
        }
        String given = code.replaceAll("\\s", "");
        boolean right = row.member() != null && given.matches("\\d{6}")
                && java.security.MessageDigest.isEqual(Secrets.sha256(row.salt() + given).getBytes(), row.codeHash().getBytes());
        if (!right) {
            jdbc.sql("UPDATE portal_sign_in_codes SET attempts = attempts + 1 WHERE id = :id").param("id", row.id()).update();
            return Optional.empty();
        }
        jdbc.sql("UPDATE portal_sign_in_codes SET used_at = :now WHERE id = :id").param("now", now).param("id", row.id()).update();
        return Optional.of(new MemberId(row.member()));
    }

    @Override
    public String section() {
        return "portalSignInCodes";
    }

    @Override
    public Object export(MemberId member) {
        List<Map<String, Object>> rows = jdbc.sql("""
                SELECT created_at, used_at FROM portal_sign_in_codes WHERE member_id = :m ORDER BY id DESC LIMIT 1000""")
                .param("m", member.value())
                .query((rs, n) -> Map.<String, Object>of("requestedAt", String.valueOf(rs.getObject(1, OffsetDateTime.class)),
                        "usedAt", String.valueOf(rs.getObject(2, OffsetDateTime.class))))
                .list();
        return rows;
    }

    @Override
    public void erase(MemberId member) {
        jdbc.sql("DELETE FROM portal_sign_in_codes WHERE member_id = :m").param("m", member.value()).update();
    }
}
