package io.patron.checkout;

import io.micrometer.core.instrument.MeterRegistry;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.members.Member;
import io.patron.messaging.Mail;
import io.patron.messaging.MailComposer;
import io.patron.messaging.Mailer;
import io.patron.sms.Sms;
import io.patron.sms.SmsChannel;
import io.patron.sms.SmsTemplates;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One-time codes before points are spent. When the programme asks for one (its
 * {@code redemption.verification}: always, when the member was identified by phone rather than card,
 * above a number of points), the till asks Patron to send the member a six-digit code — by SMS when
 * they have a phone and an SMS provider is configured, else by e-mail — bound to the member, the till
 * and the points; the member tells the cashier, and the commit carries it. A code is stored as a salted
 * digest, works for {@code patron.redemption-codes.minutes} minutes, once, and for a few attempts; ten
 * wrong codes for a member (or thirty at one till) within an hour lock the flow for an hour.
 */
@Service
public class RedemptionCodes {

    static final int CODE_LENGTH = 6;
    static final int ATTEMPTS_PER_CODE = 5;
    static final int MEMBER_FAILURES_PER_HOUR = 10;
    static final int TILL_FAILURES_PER_HOUR = 30;
    static final int CODES_PER_MEMBER_PER_HOUR = 5;
    static final Duration RESEND_AFTER = Duration.ofSeconds(30);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final SmsChannel sms;
    private final SmsTemplates smsTemplates;
    private final Mailer mailer;
    private final MailComposer composer;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration validity;

    RedemptionCodes(JdbcClient jdbc, TransactionTemplate transactions, SmsChannel sms, SmsTemplates smsTemplates, Mailer mailer,
                    MailComposer composer, MeterRegistry meters, Clock clock,
                    @Value("${patron.redemption-codes.minutes:5}") int minutes) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.sms = sms;
        this.smsTemplates = smsTemplates;
        this.mailer = mailer;
        this.composer = composer;
        this.meters = meters;
        this.clock = clock;
        this.validity = Duration.ofMinutes(Math.max(1, minutes));
    }

    /** Where a code went: the channel, the contact shown masked, until when it works and for how many points. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "RedemptionCodeSent")
    public record Sent(@io.swagger.v3.oas.annotations.media.Schema(allowableValues = {"SMS", "EMAIL"}) String channel, String sentTo,
                       OffsetDateTime expiresAt, long points) {
    }

    /**
     * Sends the member a new code for spending {@code points} at this till; an earlier open code of
     * theirs at this till stops working. Runs in a transaction of its own: the code and its message
     * exist together.
     */
    public Sent send(Member member, long tillId, long points) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        refuseIfLocked(member.id().value(), tillId, now);
        Optional<OffsetDateTime> last = jdbc.sql("SELECT MAX(created_at) FROM redemption_codes WHERE member_id = :m")
                .param("m", member.id().value()).query(OffsetDateTime.class).optional();
        if (last.isPresent() && last.get().isAfter(now.minus(RESEND_AFTER))) {
            long wait = Math.max(1, Duration.between(now, last.get().plus(RESEND_AFTER)).toSeconds());
            throw ProblemException.tooManyRequests("CODE_REQUESTED_TOO_OFTEN", "A code was sent a moment ago; ask for another in "
                    + wait + " s.", wait);
        }
        long lastHour = jdbc.sql("SELECT COUNT(*) FROM redemption_codes WHERE member_id = :m AND created_at >= :since")
                .param("m", member.id().value()).param("since", now.minusHours(1)).query(Long.class).single();
        if (lastHour >= CODES_PER_MEMBER_PER_HOUR) {
            throw ProblemException.tooManyRequests("CODE_REQUESTED_TOO_OFTEN", "Too many codes for this member in the last hour.", 3600);
        }
        String channel = member.phone() != null && (sms.enabled() || member.email() == null) ? "SMS"
                : member.email() != null ? "EMAIL" : null;
        if (channel == null) {
            throw ProblemException.unprocessable("NO_CONTACT_FOR_CODE",
                    "This member has neither a phone number nor an e-mail address to send a code to; identify them by card.", "member");
        }
        String code = newCode();
        String salt = Secrets.random(16);
        OffsetDateTime expires = now.plus(validity);
        Sent sent = transactions.execute(status -> {
            jdbc.sql("UPDATE redemption_codes SET closed_at = :now WHERE member_id = :m AND till_id = :t AND used_at IS NULL AND closed_at IS NULL")
                    .param("now", now).param("m", member.id().value()).param("t", tillId).update();
            jdbc.sql("""
                    INSERT INTO redemption_codes (member_id, till_id, points, salt, code_hash, channel, created_at, expires_at)
                    VALUES (:m, :t, :p, :s, :h, :c, :now, :exp)""")
                    .param("m", member.id().value()).param("t", tillId).param("p", points).param("s", salt)
                    .param("h", digest(salt, code)).param("c", channel).param("now", now).param("exp", expires).update();
            String minutes = String.valueOf(validity.toMinutes());
            if ("SMS".equals(channel)) {
                String text = smsTemplates.render("redemption-code", member.language(),
                        Map.of("code", Sms.SECRET_MARK, "points", String.valueOf(points), "minutes", minutes));
                SmsChannel.Queued queued = sms.queue(Sms.transactional("redemption-code", member.id(), member.phone(), text).withSecret(code));
                if (queued.refused()) {
                    throw ProblemException.tooManyRequests("CODE_REQUESTED_TOO_OFTEN", "Too many text messages to this member in the last hour.", 3600);
                }
                return new Sent(channel, maskPhone(member.phone()), expires, points);
            }
            Mail mail = composer.compose("redemption-code", member.language(), member.id(), member.email(),
                    new Object[] {name(member), Mail.SECRET_MARK, points, minutes},
                    Map.of("name", name(member), "code", Mail.SECRET_MARK, "points", points, "minutes", minutes));
            mailer.queue(mail.withSecret(code));
            return new Sent(channel, maskEmail(member.email()), expires, points);
        });
        meters.counter("patron.redemption.codes.sent", "channel", channel).increment();
        return sent;
    }

    /**
     * Checks the code a commit carries for spending {@code points}; answers the code's id, for the sale
     * to use it up. A wrong code is counted (in a transaction of its own, so the refusal does not take
     * the count back) and refused with a 422 and a stable code.
     */
    public long check(long memberId, long tillId, long points, String given) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        refuseIfLocked(memberId, tillId, now);
        if (given == null || given.isBlank()) {
            throw ProblemException.unprocessable("REDEMPTION_CODE_REQUIRED", "Spending points here needs the one-time code sent to the member: "
                    + "ask for one (POST /api/v1/purchases/redemption-codes) and send it as redemptionCode.", "redemptionCode");
        }
        record Open(long id, long points, String salt, String hash, OffsetDateTime expiresAt, int attempts) {
        }
        Optional<Open> open = jdbc.sql("""
                SELECT id, points, salt, code_hash, expires_at, attempts FROM redemption_codes
                WHERE member_id = :m AND till_id = :t AND used_at IS NULL AND closed_at IS NULL ORDER BY id DESC LIMIT 1""")
                .param("m", memberId).param("t", tillId)
                .query((rs, i) -> new Open(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class), rs.getInt(6))).optional();
        if (open.isEmpty()) {
            fail(memberId, tillId, null, now);
            throw refused("REDEMPTION_CODE_INVALID", "This code does not work (used, replaced or never sent); ask for a new one.");
        }
        Open code = open.get();
        if (!code.expiresAt().isAfter(now)) {
            throw refused("REDEMPTION_CODE_EXPIRED", "The code has expired; ask for a new one.");
        }
        boolean right = MessageDigest.isEqual(digest(code.salt(), given.trim()).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                code.hash().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (!right) {
            fail(memberId, tillId, code.id(), now);
            int left = ATTEMPTS_PER_CODE - code.attempts() - 1;
            throw refused("REDEMPTION_CODE_INVALID", left > 0 ? "Wrong code; " + left + " attempts left."
                    : "Wrong code; this code no longer works, ask for a new one.");
        }
        if (points > code.points()) {
            throw ProblemException.unprocessable("REDEMPTION_CODE_MISMATCH", "The code was sent for spending " + code.points()
                    + " points; spend at most that many, or ask for a new code.", "pointsToRedeem");
        }
        return code.id();
    }

    /** Uses the code up in the sale's transaction; false when a concurrent sale used it first. */
    boolean use(long codeId, long purchaseId, OffsetDateTime at) {
        return jdbc.sql("UPDATE redemption_codes SET used_at = :at, purchase_id = :p WHERE id = :id AND used_at IS NULL AND closed_at IS NULL")
                .param("at", at).param("p", purchaseId).param("id", codeId).update() == 1;
    }

    private void refuseIfLocked(long memberId, long tillId, OffsetDateTime now) {
        OffsetDateTime hourAgo = now.minusHours(1);
        long byMember = jdbc.sql("SELECT COUNT(*) FROM redemption_code_failures WHERE member_id = :m AND failed_at >= :since")
                .param("m", memberId).param("since", hourAgo).query(Long.class).single();
        if (byMember >= MEMBER_FAILURES_PER_HOUR) {
            throw refused("REDEMPTION_CODE_LOCKED", "Too many wrong codes for this member; spending points by code is locked for an hour.");
        }
        long byTill = jdbc.sql("SELECT COUNT(*) FROM redemption_code_failures WHERE till_id = :t AND failed_at >= :since")
                .param("t", tillId).param("since", hourAgo).query(Long.class).single();
        if (byTill >= TILL_FAILURES_PER_HOUR) {
            throw refused("REDEMPTION_CODE_LOCKED", "Too many wrong codes at this till; spending points by code is locked for an hour.");
        }
    }

    private void fail(long memberId, long tillId, Long codeId, OffsetDateTime now) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("INSERT INTO redemption_code_failures (member_id, till_id, failed_at) VALUES (:m, :t, :at)")
                    .param("m", memberId).param("t", tillId).param("at", now).update();
            if (codeId != null) {
                jdbc.sql("""
                        UPDATE redemption_codes SET attempts = attempts + 1,
                            closed_at = CASE WHEN attempts + 1 >= :max THEN CAST(:at AS TIMESTAMP WITH TIME ZONE) ELSE closed_at END
                        WHERE id = :id""").param("max", ATTEMPTS_PER_CODE).param("at", now).param("id", codeId).update();
            }
        });
        meters.counter("patron.redemption.codes.failed").increment();
    }

    private static ProblemException refused(String code, String detail) {
        return ProblemException.unprocessable(code, detail, "redemptionCode");
    }

    static String newCode() {
        return String.format("%06d", RANDOM.nextInt(1_000_000));
    }

    static String digest(String salt, String code) {
        return Secrets.sha256(salt + ":" + code);
    }

    static String maskPhone(String phone) {
        return phone.length() <= 4 ? "••••" : "•".repeat(Math.max(0, phone.length() - 4)) + phone.substring(phone.length() - 4);
    }

    static String maskEmail(String email) {
        int at = email.indexOf('@');
        return at <= 1 ? "•" + email.substring(Math.max(at, 0)) : email.charAt(0) + "•••" + email.substring(at);
    }

    private static String name(Member member) {
        return member.firstName() == null ? "" : member.firstName();
    }
}
