package io.patron.feedback;

import io.patron.audit.AuditLog;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.ledger.PointAdjustments;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.messaging.MailComposer;
import io.patron.messaging.Mailer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Feedback forms and their answers. An invitation is a random token sent by e-mail whose SHA-256
 * alone is stored; it is used once (a conditional update), within 30 days. A completed invited survey
 * may earn points ({@code patron.feedback.points}), once per invitation.
 */
@Service
public class Feedback {

    public static final int COMMENT_MAX = 2_000;
    static final int INVITATION_DAYS = 30;

    /** NPS asks 0–10 and a comment, SATISFACTION 1–5 and a comment, SUGGESTION free text. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "FeedbackKind")
    public enum Kind {
        NPS(0, 10), SATISFACTION(1, 5), SUGGESTION(0, 0);

        final int min;
        final int max;

        Kind(int min, int max) {
            this.min = min;
            this.max = max;
        }

        public boolean scored() {
            return this != SUGGESTION;
        }

        public int min() {
            return min;
        }

        public int max() {
            return max;
        }
    }

    public enum Channel { EMAIL, PORTAL, STORE }

    public record Response(long id, Kind kind, Integer score, String comment, Channel channel, Long memberId, Long storeId,
                           Long purchaseId, boolean followUp, OffsetDateTime createdAt) {
    }

    /** An invitation as its link's page needs it: what to ask, for whom. */
    public record Invitation(long id, Kind kind, long memberId, Long storeId, Long purchaseId, OffsetDateTime expiresAt) {
    }

    private final JdbcClient jdbc;
    private final Members members;
    private final Mailer mailer;
    private final MailComposer composer;
    private final PointAdjustments adjustments;
    private final AuditLog audit;
    private final Clock clock;
    private final long points;
    private final io.patron.common.PublicUrl publicUrl;

    public static final String FEEDBACK_RECEIVED = "feedback.received";

    private final io.patron.events.Events events;

    Feedback(JdbcClient jdbc, Members members, Mailer mailer, MailComposer composer, PointAdjustments adjustments, AuditLog audit,
             Clock clock, @Value("${patron.feedback.points:0}") long points, io.patron.common.PublicUrl publicUrl,
             io.patron.events.Events events) {
        this.events = events;
        this.jdbc = jdbc;
        this.members = members;
        this.mailer = mailer;
        this.composer = composer;
        this.adjustments = adjustments;
        this.audit = audit;
        this.clock = clock;
        this.points = points;
        this.publicUrl = publicUrl;
    }

    /** Sends a member a survey link by e-mail (transactional: they bought, we ask); answers the invitation's id. */
    @Transactional
    public long invite(MemberId memberId, Kind kind, Long storeId, Long purchaseId) {
        Member member = members.get(memberId);
        if (member.email() == null) {
            throw ProblemException.unprocessable("NO_EMAIL", "This member has no e-mail address.");
        }
        Map.Entry<Long, String> invitation = createInvitation(member, kind, storeId, purchaseId);
        long id = invitation.getKey();
        String link = invitation.getValue();
        String name = member.firstName() == null ? "" : member.firstName();
        mailer.queue(composer.compose("feedback", member.language(), member.id(), member.email(), new Object[] {name, link},
                Map.of("name", name, "link", link)));
        audit.record("FEEDBACK_INVITED", "member", member.id().value(), null, Map.of("kind", kind.name(), "invitation", id));
        return id;
    }

    /**
     * A survey invitation without a mail (the caller sends it, as the survey journey does): the signed,
     * single-use link to the form, in the caller's transaction.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public String invitationLink(MemberId memberId, Kind kind, Long storeId, Long purchaseId) {
        return createInvitation(members.get(memberId), kind, storeId, purchaseId).getValue();
    }

    private Map.Entry<Long, String> createInvitation(Member member, Kind kind, Long storeId, Long purchaseId) {
        String token = Secrets.random(32);
        long id = jdbc.sql("SELECT nextval('feedback_seq')").query(Long.class).single();
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("""
                INSERT INTO feedback_invitations (id, token_hash, kind, member_id, store_id, purchase_id, created_at, expires_at)
                VALUES (:id, :hash, :kind, :member, :store, :purchase, :now, :expires)""")
                .param("id", id).param("hash", Secrets.sha256(token)).param("kind", kind.name()).param("member", member.id().value())
                .param("store", storeId).param("purchase", purchaseId).param("now", now).param("expires", now.plusDays(INVITATION_DAYS))
                .update();
        return Map.entry(id, publicUrl.url("/feedback/t/") + token);
    }

    /** The invitation of a link's token; unknown, used and expired tokens are refused alike. */
    public Invitation invitation(String token) {
        return jdbc.sql("SELECT * FROM feedback_invitations WHERE token_hash = :h AND used_at IS NULL AND expires_at > :now")
                .param("h", Secrets.sha256(token == null ? "" : token)).param("now", OffsetDateTime.now(clock))
                .query((rs, i) -> new Invitation(rs.getLong("id"), Kind.valueOf(rs.getString("kind")), rs.getLong("member_id"),
                        nullable(rs, "store_id"), nullable(rs, "purchase_id"), rs.getObject("expires_at", OffsetDateTime.class)))
                .optional().orElseThrow(() -> ProblemException.notFound("SURVEY_LINK_INVALID",
                        "This survey link is unknown, already used or expired."));
    }

    /** Whether the member has a survey invitation still open (not answered, not expired): the cashier may mention it. */
    public boolean surveyOpen(long memberId, OffsetDateTime now) {
        return jdbc.sql("SELECT COUNT(*) FROM feedback_invitations WHERE member_id = :m AND used_at IS NULL AND expires_at > :now")
                .param("m", memberId).param("now", now).query(Long.class).single() > 0;
    }

    /** Answers an invited survey, once: the token is spent in the same transaction as the answer is stored. */
    @Transactional
    public Response answer(String token, Integer score, String comment) {
        Invitation invitation = invitation(token);
        check(invitation.kind(), score, comment);
        int spent = jdbc.sql("UPDATE feedback_invitations SET used_at = :now WHERE id = :id AND used_at IS NULL")
                .param("now", OffsetDateTime.now(clock)).param("id", invitation.id()).update();
        if (spent == 0) {
            throw ProblemException.notFound("SURVEY_LINK_INVALID", "This survey link is unknown, already used or expired.");
        }
        Response response = insert(invitation.kind(), score, comment, Channel.EMAIL, invitation.memberId(), invitation.storeId(),
                invitation.purchaseId(), invitation.id());
        if (points > 0) {
            adjustments.adjust(new MemberId(invitation.memberId()), points, "Thank you for your feedback", "feedback-" + invitation.id());
        }
        return response;
    }

    /** An answer from the portal (the member signed in) or a store's page (anonymous, or the member of a card). */
    @Transactional
    public Response answer(Kind kind, Integer score, String comment, Channel channel, Long memberId, Long storeId) {
        check(kind, score, comment);
        return insert(kind, score, comment, channel, memberId, storeId, null, null);
    }

    private static void check(Kind kind, Integer score, String comment) {
        Validation v = new Validation();
        if (kind == null) {
            v.reject("kind", "NPS, SATISFACTION or SUGGESTION");
        } else if (kind.scored() && (score == null || score < kind.min || score > kind.max)) {
            v.reject("score", "from " + kind.min + " to " + kind.max);
        } else if (!kind.scored() && (comment == null || comment.isBlank())) {
            v.reject("comment", "write your suggestion");
        }
        if (comment != null && comment.length() > COMMENT_MAX) {
            v.reject("comment", "at most " + COMMENT_MAX + " characters");
        }
        v.throwIfInvalid();
    }

    private Response insert(Kind kind, Integer score, String comment, Channel channel, Long memberId, Long storeId, Long purchaseId,
                            Long invitationId) {
        long id = jdbc.sql("SELECT nextval('feedback_seq')").query(Long.class).single();
        jdbc.sql("""
                INSERT INTO feedback_responses (id, kind, score, comment, channel, member_id, store_id, purchase_id, invitation_id, created_at)
                VALUES (:id, :kind, :score, :comment, :channel, :member, :store, :purchase, :invitation, :now)""")
                .param("id", id).param("kind", kind.name()).param("score", kind.scored() ? score : null)
                .param("comment", comment == null || comment.isBlank() ? null : comment.trim()).param("channel", channel.name())
                .param("member", memberId).param("store", storeId).param("purchase", purchaseId).param("invitation", invitationId)
                .param("now", OffsetDateTime.now(clock)).update();
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("feedbackId", id);
        data.put("kind", kind.name());
        if (kind.scored()) {
            data.put("score", score);
        }
        data.put("channel", channel.name());
        if (purchaseId != null) {
            data.put("purchaseId", purchaseId);
        }
        events.record(FEEDBACK_RECEIVED, memberId, storeId, data, OffsetDateTime.now(clock));
        return response(id).orElseThrow();
    }

    /** A merged duplicate's answers and open invitations belong to the survivor from now on. */
    @org.springframework.context.event.EventListener
    void on(io.patron.members.MembersMerged merged) {
        jdbc.sql("UPDATE feedback_responses SET member_id = :to WHERE member_id = :from")
                .param("to", merged.survivor().value()).param("from", merged.merged().value()).update();
        jdbc.sql("UPDATE feedback_invitations SET member_id = :to WHERE member_id = :from")
                .param("to", merged.survivor().value()).param("from", merged.merged().value()).update();
    }

    public Optional<Response> response(long id) {
        return jdbc.sql("SELECT * FROM feedback_responses WHERE id = :id").param("id", id).query(Feedback::response).optional();
    }

    /** Responses, newest first, optionally of one kind or store. */
    public Page<Response> responses(Kind kind, Long storeId, PageRequest page) {
        String where = " WHERE 1 = 1" + (kind == null ? "" : " AND kind = :kind") + (storeId == null ? "" : " AND store_id = :store");
        List<Response> items = jdbc.sql("SELECT * FROM feedback_responses" + where + " ORDER BY id DESC LIMIT :l OFFSET :o")
                .param("kind", kind == null ? null : kind.name()).param("store", storeId).param("l", page.size()).param("o", page.offset())
                .query(Feedback::response).list();
        long total = jdbc.sql("SELECT COUNT(*) FROM feedback_responses" + where).param("kind", kind == null ? null : kind.name())
                .param("store", storeId).query(Long.class).single();
        return new Page<>(items, page.page(), page.size(), total);
    }

    @Transactional
    public Response followUp(long id, boolean followUp) {
        response(id).orElseThrow(() -> ProblemException.notFound("RESPONSE_NOT_FOUND", "No response " + id + "."));
        jdbc.sql("UPDATE feedback_responses SET follow_up = :f WHERE id = :id").param("f", followUp).param("id", id).update();
        audit.record("FEEDBACK_FOLLOW_UP", "feedback", id, null, Map.of("followUp", followUp));
        return response(id).orElseThrow();
    }

    /** NPS (promoters 9–10 less detractors 0–6, in percent of answers) and average satisfaction, per store. */
    public record StoreScore(Long storeId, long npsAnswers, Integer nps, long satisfactionAnswers, Double satisfaction) {
    }

    public List<StoreScore> scores(OffsetDateTime from, OffsetDateTime to) {
        List<StoreScore> scores = new ArrayList<>();
        jdbc.sql("""
                SELECT store_id,
                       SUM(CASE WHEN kind = 'NPS' THEN 1 ELSE 0 END) AS nps_n,
                       SUM(CASE WHEN kind = 'NPS' AND score >= 9 THEN 1 ELSE 0 END) AS promoters,
                       SUM(CASE WHEN kind = 'NPS' AND score <= 6 THEN 1 ELSE 0 END) AS detractors,
                       SUM(CASE WHEN kind = 'SATISFACTION' THEN 1 ELSE 0 END) AS sat_n,
                       SUM(CASE WHEN kind = 'SATISFACTION' THEN score ELSE 0 END) AS sat_sum
                FROM feedback_responses WHERE created_at >= :from AND created_at < :to GROUP BY store_id ORDER BY store_id""")
                .param("from", from).param("to", to).query((rs, i) -> {
                    long n = rs.getLong("nps_n");
                    long s = rs.getLong("sat_n");
                    Integer nps = n == 0 ? null : (int) Math.round(100.0 * (rs.getLong("promoters") - rs.getLong("detractors")) / n);
                    Double sat = s == 0 ? null : Math.round(10.0 * rs.getLong("sat_sum") / s) / 10.0;
                    return scores.add(new StoreScore(nullable(rs, "store_id"), n, nps, s, sat));
                }).list();
        return scores;
    }

    private static Long nullable(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Response response(ResultSet rs, int i) throws SQLException {
        int score = rs.getInt("score");
        Integer s = rs.wasNull() ? null : score;
        return new Response(rs.getLong("id"), Kind.valueOf(rs.getString("kind")), s, rs.getString("comment"),
                Channel.valueOf(rs.getString("channel")), nullable(rs, "member_id"), nullable(rs, "store_id"), nullable(rs, "purchase_id"),
                rs.getBoolean("follow_up"), rs.getObject("created_at", OffsetDateTime.class));
    }
}
