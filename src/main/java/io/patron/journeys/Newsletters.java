package io.patron.journeys;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Language;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.messaging.MailComposer;
import io.patron.messaging.MailTemplates;
import io.patron.messaging.Mailer;
import io.patron.segments.Segment;
import io.patron.segments.SegmentDefinition;
import io.patron.segments.Segments;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Newsletters: an edited mail template sent to a segment's members who agreed to marketing mail (or
 * to all of them), now or at a set time. A share of the audience, chosen by a hash of the newsletter
 * and the member (the same on every instance and every run), is held out and gets nothing: the control
 * group against which the analytics measure what the newsletter did. Each member is recorded once
 * ({@code newsletter_recipients}), so a newsletter interrupted and resumed never mails anyone twice.
 */
@Service
public class Newsletters {

    private static final Logger log = LoggerFactory.getLogger(Newsletters.class);
    public static final int HOLDOUT_MAX = 50;

    @io.swagger.v3.oas.annotations.media.Schema(name = "NewsletterStatus")
    public enum Status { SCHEDULED, SENDING, SENT, CANCELLED }

    public record Newsletter(long id, String name, String template, String segment, int holdoutPercent, Status status,
                             OffsetDateTime sendAt, long audience, long sent, long heldOut, OffsetDateTime createdAt, String createdBy,
                             OffsetDateTime finishedAt) {
    }

    private final JdbcClient jdbc;
    private final Segments segments;
    private final Members members;
    private final MailTemplates templates;
    private final MailComposer composer;
    private final Mailer mailer;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;

    private final ProgrammeHoldout programmeHoldout;

    Newsletters(JdbcClient jdbc, Segments segments, Members members, MailTemplates templates, MailComposer composer, Mailer mailer,
                AuditLog audit, TransactionTemplate transactions, Clock clock, ProgrammeHoldout programmeHoldout) {
        this.jdbc = jdbc;
        this.programmeHoldout = programmeHoldout;
        this.segments = segments;
        this.members = members;
        this.templates = templates;
        this.composer = composer;
        this.mailer = mailer;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Who a newsletter to this segment (null: everyone) would go to: members who agreed to marketing mail. */
    public long audience(String segmentCode) {
        return segments.count(definition(segmentCode));
    }

    private SegmentDefinition definition(String segmentCode) {
        if (segmentCode == null || segmentCode.isBlank()) {
            return SegmentDefinition.everyone().withEmailConsent(true);
        }
        Segment segment = segments.byCode(segmentCode.trim())
                .orElseThrow(() -> ProblemException.invalid("segment", "no segment " + segmentCode.trim()));
        return segment.definition().withEmailConsent(true);
    }

    @Transactional
    public Newsletter create(String name, String template, String segmentCode, int holdoutPercent, OffsetDateTime sendAt) {
        Validation v = new Validation();
        if (name == null || name.isBlank() || name.length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        if (template == null || !templates.names().contains(template)) {
            v.reject("template", "an edited mail template (admin → Journeys → templates)");
        }
        if (holdoutPercent < 0 || holdoutPercent > HOLDOUT_MAX) {
            v.reject("holdoutPercent", "from 0 to " + HOLDOUT_MAX);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (sendAt != null && sendAt.isAfter(now.plusYears(1))) {
            v.reject("sendAt", "within a year");
        }
        v.throwIfInvalid();
        String segment = segmentCode == null || segmentCode.isBlank() ? null : segmentCode.trim();
        long audience = audience(segment);
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO newsletters (name, template, segment, holdout_percent, status, send_at, audience, sent, held_out, created_at, created_by)
                VALUES (:n, :t, :s, :h, 'SCHEDULED', :at, :aud, 0, 0, :now, :by)""")
                .param("n", name.trim()).param("t", template).param("s", segment).param("h", holdoutPercent)
                .param("at", sendAt == null ? now : sendAt).param("aud", audience).param("now", now).param("by", Callers.actorName())
                .update(keys, "id");
        Newsletter created = get(keys.getKey().longValue());
        audit.record("NEWSLETTER_CREATED", "newsletter", created.id(), null, created);
        return created;
    }

    @Transactional
    public Newsletter cancel(long id) {
        if (jdbc.sql("UPDATE newsletters SET status = 'CANCELLED', finished_at = :now WHERE id = :id AND status = 'SCHEDULED'")
                .param("now", OffsetDateTime.now(clock)).param("id", id).update() == 0) {
            throw ProblemException.conflict("NEWSLETTER_NOT_SCHEDULED", "Only a newsletter not yet being sent can be cancelled.", null);
        }
        audit.record("NEWSLETTER_CANCELLED", "newsletter", id, null, null);
        return get(id);
    }

    public Newsletter get(long id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("NEWSLETTER_NOT_FOUND", "No newsletter " + id + "."));
    }

    public Optional<Newsletter> find(long id) {
        return jdbc.sql("SELECT * FROM newsletters WHERE id = :id").param("id", id).query(Newsletters::row).optional();
    }

    public List<Newsletter> list(int limit) {
        return jdbc.sql("SELECT * FROM newsletters ORDER BY id DESC LIMIT :l").param("l", limit).query(Newsletters::row).list();
    }

    /** The members of a newsletter's audience: treated (sent) or held out. */
    public record Recipient(long memberId, boolean holdout, Long outboxId) {
    }

    public List<Recipient> recipients(long newsletterId, long afterMemberId, int limit) {
        return jdbc.sql("""
                SELECT member_id, holdout, outbox_id FROM newsletter_recipients WHERE newsletter_id = :n AND member_id > :after
                ORDER BY member_id LIMIT :l""")
                .param("n", newsletterId).param("after", afterMemberId).param("l", Math.min(limit, 10_000))
                .query((rs, i) -> new Recipient(rs.getLong(1), rs.getBoolean(2), (Long) rs.getObject(3, Long.class))).list();
    }

    private static Newsletter row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Newsletter(rs.getLong("id"), rs.getString("name"), rs.getString("template"), rs.getString("segment"),
                rs.getInt("holdout_percent"), Status.valueOf(rs.getString("status")), rs.getObject("send_at", OffsetDateTime.class),
                rs.getLong("audience"), rs.getLong("sent"), rs.getLong("held_out"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getString("created_by"), rs.getObject("finished_at", OffsetDateTime.class));
    }

    @Scheduled(fixedDelayString = "${patron.newsletters.check-millis:60000}", initialDelayString = "${patron.journeys.initial-delay-millis:90000}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "newsletters", lockAtMostFor = "PT2H")
    public void scheduled() {
        sendDue();
    }

    /** Sends every newsletter whose time has come (and resumes one interrupted while sending); answers how many it finished. */
    public int sendDue() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Long> due = jdbc.sql("SELECT id FROM newsletters WHERE status IN ('SCHEDULED', 'SENDING') AND send_at <= :now ORDER BY id")
                .param("now", now).query(Long.class).list();
        int finished = 0;
        for (long id : due) {
            jdbc.sql("UPDATE newsletters SET status = 'SENDING' WHERE id = :id AND status = 'SCHEDULED'").param("id", id).update();
            Newsletter n = get(id);
            if (n.status() != Status.SENDING) {
                continue;
            }
            long count = segments.forEachBatch(definition(n.segment()), ids -> ids.forEach(memberId ->
                    transactions.executeWithoutResult(t -> deliver(n, memberId))));
            long sent = jdbc.sql("SELECT COUNT(*) FROM newsletter_recipients WHERE newsletter_id = :n AND outbox_id IS NOT NULL")
                    .param("n", id).query(Long.class).single();
            long heldOut = jdbc.sql("SELECT COUNT(*) FROM newsletter_recipients WHERE newsletter_id = :n AND holdout = TRUE")
                    .param("n", id).query(Long.class).single();
            jdbc.sql("""
                    UPDATE newsletters SET status = 'SENT', audience = :aud, sent = :sent, held_out = :held, finished_at = :now
                    WHERE id = :id AND status = 'SENDING'""")
                    .param("aud", count).param("sent", sent).param("held", heldOut).param("now", OffsetDateTime.now(clock)).param("id", id)
                    .update();
            log.info("Newsletter {} sent: {} mails, {} held out of {}", id, sent, heldOut, count);
            finished++;
        }
        return finished;
    }

    private void deliver(Newsletter n, long memberId) {
        Optional<Member> found = members.find(new MemberId(memberId)).filter(m -> m.active() && m.email() != null
                && m.emailConsent().granted());
        if (found.isEmpty()) {
            return;
        }
        Member m = found.get();
        if (programmeHoldout.heldOut(memberId)) {
            // Set aside from all marketing: not in this newsletter's audience, nor in its control group.
            return;
        }
        boolean holdout = heldOut(n.id(), memberId, n.holdoutPercent());
        int inserted;
        try {
            inserted = jdbc.sql("""
                    INSERT INTO newsletter_recipients (newsletter_id, member_id, holdout, created_at) VALUES (:n, :m, :h, :at)
                    ON CONFLICT DO NOTHING""")
                    .param("n", n.id()).param("m", memberId).param("h", holdout).param("at", OffsetDateTime.now(clock)).update();
        } catch (org.springframework.dao.DuplicateKeyException e) {
            inserted = 0;
        }
        if (inserted == 0 || holdout) {
            return;
        }
        Language language = templates.find(n.template(), m.language()).isPresent() ? m.language() : Language.en;
        if (templates.find(n.template(), language).isEmpty()) {
            return;
        }
        String card = members.primaryCard(m.id()).map(c -> c.number().value()).orElse("");
        long outboxId = mailer.queue(composer.composeForMember(n.template(), language, m.id(), m.email(),
                new MailComposer.Variables(m.firstName(), card, "", "", "", "", n.name()), true));
        jdbc.sql("UPDATE newsletter_recipients SET outbox_id = :o WHERE newsletter_id = :n AND member_id = :m")
                .param("o", outboxId).param("n", n.id()).param("m", memberId).update();
    }

    /** Whether a member is in a newsletter's hold-out group: a hash of both ids, so every instance agrees. */
    static boolean heldOut(long newsletterId, long memberId, int percent) {
        if (percent <= 0) {
            return false;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("newsletter:" + newsletterId + ":" + memberId)
                    .getBytes(StandardCharsets.US_ASCII));
            int bucket = Math.floorMod(((h[0] & 0xff) << 8) | (h[1] & 0xff), 100);
            return bucket < percent;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
