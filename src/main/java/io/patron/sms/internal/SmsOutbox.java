package io.patron.sms.internal;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.sms.Sms;
import io.patron.sms.SmsMessage;
import io.patron.sms.SmsText;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** The table of text messages: queued, claimed by one sender at a time, reported on. */
@Repository
public class SmsOutbox {

    private final JdbcClient jdbc;

    SmsOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long insert(Sms sms, SmsText.Segments segments, BigDecimal cost, SmsMessage.Status status, String error, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO sms_outbox (kind, member_id, recipient, body, secret, marketing, encoding, parts, cost, status,
                    attempts, next_attempt_at, last_error, created_at)
                VALUES (:kind, :member, :recipient, :body, :secret, :marketing, :encoding, :parts, :cost, :status, 0, :at, :error, :at)""")
                .param("kind", sms.kind()).param("member", sms.member() == null ? null : sms.member().value())
                .param("recipient", sms.recipient()).param("body", sms.text())
                .param("secret", status == SmsMessage.Status.PENDING || status == SmsMessage.Status.CAPTURED ? sms.secret() : null)
                .param("marketing", sms.marketing()).param("encoding", segments.encoding().name()).param("parts", segments.parts())
                .param("cost", cost).param("status", status.name()).param("at", at).param("error", error)
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    public Optional<SmsMessage> find(long id) {
        return jdbc.sql("SELECT * FROM sms_outbox WHERE id = :id").param("id", id).query(SmsOutbox::message).optional();
    }

    public Page<SmsMessage> page(PageRequest page, String recipient) {
        String where = " WHERE (CAST(:r AS VARCHAR) IS NULL OR recipient = :r)";
        long total = jdbc.sql("SELECT COUNT(*) FROM sms_outbox" + where).param("r", recipient).query(Long.class).single();
        List<SmsMessage> items = jdbc.sql("SELECT * FROM sms_outbox" + where + " ORDER BY id DESC LIMIT :l OFFSET :o")
                .param("r", recipient).param("l", page.size()).param("o", page.offset()).query(SmsOutbox::message).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    public List<SmsMessage> forMember(long memberId, int limit) {
        return jdbc.sql("SELECT * FROM sms_outbox WHERE member_id = :m ORDER BY id DESC LIMIT :l")
                .param("m", memberId).param("l", limit).query(SmsOutbox::message).list();
    }

    /** Messages to a member since a time that count against their limit (not the refused ones). */
    public long toMemberSince(long memberId, OffsetDateTime since) {
        return jdbc.sql("SELECT COUNT(*) FROM sms_outbox WHERE member_id = :m AND created_at >= :since AND status <> 'REFUSED'")
                .param("m", memberId).param("since", since).query(Long.class).single();
    }

    /** Messages handed to the provider in [from, to): what the global limit per minute counts. */
    public long sentBetween(OffsetDateTime from, OffsetDateTime to) {
        return jdbc.sql("SELECT COUNT(*) FROM sms_outbox WHERE sent_at >= :f AND sent_at < :t")
                .param("f", from).param("t", to).query(Long.class).single();
    }

    /** Locks up to {@code limit} due messages; other instances skip them, so each is sent by one sender. */
    public List<SmsMessage> lockDue(OffsetDateTime now, int limit) {
        return jdbc.sql("""
                SELECT * FROM sms_outbox WHERE status = 'PENDING' AND next_attempt_at <= :now
                ORDER BY id LIMIT :l FOR UPDATE SKIP LOCKED""")
                .param("now", now).param("l", limit).query(SmsOutbox::message).list();
    }

    public void markSent(long id, String provider, String providerId, OffsetDateTime at) {
        // The secret has gone out with the message; the outbox need not keep it.
        jdbc.sql("""
                UPDATE sms_outbox SET status = 'SENT', sent_at = :at, attempts = attempts + 1, last_error = NULL, secret = NULL,
                    provider = :p, provider_id = :pid WHERE id = :id""")
                .param("at", at).param("p", provider).param("pid", providerId).param("id", id).update();
    }

    public void markFailed(long id, String error, OffsetDateTime nextAttempt, boolean giveUp) {
        jdbc.sql("""
                UPDATE sms_outbox SET attempts = attempts + 1, last_error = :e, next_attempt_at = :next,
                    status = CASE WHEN :giveUp THEN 'FAILED' ELSE status END,
                    secret = CASE WHEN :giveUp THEN NULL ELSE secret END
                WHERE id = :id""")
                .param("e", error.length() > 500 ? error.substring(0, 500) : error).param("next", nextAttempt)
                .param("giveUp", giveUp).param("id", id).update();
    }

    /** A delivery report: answers whether it matched a message (a report for an unknown id is ignored). */
    public boolean report(String provider, String providerId, boolean delivered, String detail, OffsetDateTime at) {
        return jdbc.sql("""
                UPDATE sms_outbox SET status = :s, reported_at = :at, last_error = :d
                WHERE provider = :p AND provider_id = :pid AND status IN ('SENT', 'DELIVERED', 'UNDELIVERED')""")
                .param("s", delivered ? "DELIVERED" : "UNDELIVERED").param("at", at)
                .param("d", detail == null ? null : detail.length() > 500 ? detail.substring(0, 500) : detail)
                .param("p", provider).param("pid", providerId).update() > 0;
    }

    /** Keeps a report that matched no message yet (its message may not be marked sent yet). */
    public void keepWaiting(String provider, String providerId, boolean delivered, String detail, OffsetDateTime at) {
        jdbc.sql("INSERT INTO sms_waiting_reports (provider, provider_id, delivered, detail, received_at) VALUES (:p, :pid, :d, :det, :at)")
                .param("p", provider).param("pid", providerId).param("d", delivered)
                .param("det", detail == null ? null : detail.length() > 500 ? detail.substring(0, 500) : detail).param("at", at).update();
    }

    /** Applies the waiting reports whose messages are now sent; drops those older than a week. Answers how many matched. */
    public int applyWaiting(OffsetDateTime now) {
        record Waiting(long id, String provider, String providerId, boolean delivered, String detail, OffsetDateTime at) {
        }
        List<Waiting> waiting = jdbc.sql("SELECT * FROM sms_waiting_reports ORDER BY id LIMIT 200")
                .query((rs, i) -> new Waiting(rs.getLong("id"), rs.getString("provider"), rs.getString("provider_id"),
                        rs.getBoolean("delivered"), rs.getString("detail"), rs.getObject("received_at", OffsetDateTime.class))).list();
        int matched = 0;
        for (Waiting w : waiting) {
            boolean applied = report(w.provider(), w.providerId(), w.delivered(), w.detail(), w.at());
            if (applied) {
                matched++;
            }
            if (applied || w.at().isBefore(now.minusDays(7))) {
                jdbc.sql("DELETE FROM sms_waiting_reports WHERE id = :id").param("id", w.id()).update();
            }
        }
        return matched;
    }

    /** Messages, parts and cost by status since a time: the SMS page's summary. */
    public List<Object[]> spend(OffsetDateTime since) {
        return jdbc.sql("SELECT status, COUNT(*), COALESCE(SUM(parts), 0), COALESCE(SUM(cost), 0) FROM sms_outbox WHERE created_at >= :s GROUP BY status ORDER BY status")
                .param("s", since).query((rs, i) -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBigDecimal(4)}).list();
    }

    public void redactMember(long memberId) {
        jdbc.sql("UPDATE sms_outbox SET recipient = 'erased', body = 'erased', secret = NULL WHERE member_id = :m")
                .param("m", memberId).update();
    }

    private static SmsMessage message(ResultSet rs, int row) throws SQLException {
        long member = rs.getLong("member_id");
        Long memberId = rs.wasNull() ? null : member;
        return new SmsMessage(rs.getLong("id"), rs.getObject("created_at", OffsetDateTime.class), rs.getString("kind"), memberId,
                rs.getString("recipient"), rs.getString("body"), rs.getBoolean("marketing"),
                SmsText.Encoding.valueOf(rs.getString("encoding")), rs.getInt("parts"), rs.getBigDecimal("cost"),
                SmsMessage.Status.valueOf(rs.getString("status")), rs.getInt("attempts"), rs.getString("provider"),
                rs.getString("provider_id"), rs.getString("last_error"), rs.getObject("sent_at", OffsetDateTime.class),
                rs.getObject("reported_at", OffsetDateTime.class), rs.getString("secret"));
    }
}
