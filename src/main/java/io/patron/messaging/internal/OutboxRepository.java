package io.patron.messaging.internal;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.messaging.Mail;
import io.patron.messaging.OutboxEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
public class OutboxRepository {

    private final JdbcClient jdbc;

    OutboxRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long insert(Mail mail, OutboxEntry.Status status, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO mail_outbox (created_at, kind, member_id, recipient, subject, body_text, body_html,
                    status, attempts, next_attempt_at, marketing, list_unsubscribe, secret)
                VALUES (:at, :kind, :member, :recipient, :subject, :text, :html, :status, 0, :at, :marketing, :unsubscribe, :secret)""")
                .param("secret", mail.secret())
                .param("marketing", mail.marketing()).param("unsubscribe", mail.unsubscribeUrl())
                .param("at", at).param("kind", mail.kind())
                .param("member", mail.member() == null ? null : mail.member().value())
                .param("recipient", mail.recipient()).param("subject", mail.subject()).param("text", mail.text())
                .param("html", mail.html()).param("status", status.name())
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    public Optional<OutboxEntry> find(long id) {
        return jdbc.sql("SELECT * FROM mail_outbox WHERE id = :id").param("id", id).query(OutboxRepository::entry).optional();
    }

    public Page<OutboxEntry> page(PageRequest page, String recipient) {
        String where = " WHERE (CAST(:r AS VARCHAR) IS NULL OR recipient = :r)";
        long total = jdbc.sql("SELECT COUNT(*) FROM mail_outbox" + where).param("r", recipient).query(Long.class).single();
        List<OutboxEntry> items = jdbc.sql("SELECT * FROM mail_outbox" + where + " ORDER BY id DESC LIMIT :l OFFSET :o")
                .param("r", recipient).param("l", page.size()).param("o", page.offset())
                .query(OutboxRepository::entry).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    public List<OutboxEntry> forMember(long memberId, int limit) {
        return jdbc.sql("SELECT * FROM mail_outbox WHERE member_id = :m ORDER BY id DESC LIMIT :l")
                .param("m", memberId).param("l", limit).query(OutboxRepository::entry).list();
    }

    /** Mails sent in [from, to): what the sender's hourly limit counts. */
    public long sentBetween(OffsetDateTime from, OffsetDateTime to) {
        return jdbc.sql("SELECT COUNT(*) FROM mail_outbox WHERE status = 'SENT' AND sent_at >= :f AND sent_at < :t")
                .param("f", from).param("t", to).query(Long.class).single();
    }

    /** Locks up to {@code limit} due mails; other instances skip them, so each is sent by one sender. */
    public List<OutboxEntry> lockDue(OffsetDateTime now, int limit) {
        return jdbc.sql("""
                SELECT * FROM mail_outbox WHERE status = 'PENDING' AND next_attempt_at <= :now
                ORDER BY id LIMIT :l FOR UPDATE SKIP LOCKED""")
                .param("now", now).param("l", limit).query(OutboxRepository::entry).list();
    }

    public void markSent(long id, OffsetDateTime at) {
        // The secret has gone out with the mail; the outbox need not keep it.
        jdbc.sql("UPDATE mail_outbox SET status = 'SENT', sent_at = :at, attempts = attempts + 1, last_error = NULL, secret = NULL WHERE id = :id")
                .param("at", at).param("id", id).update();
    }

    public void markFailed(long id, String error, OffsetDateTime nextAttempt, boolean giveUp) {
        jdbc.sql("""
                UPDATE mail_outbox SET attempts = attempts + 1, last_error = :e, next_attempt_at = :next,
                    status = CASE WHEN :giveUp THEN 'FAILED' ELSE status END,
                    secret = CASE WHEN :giveUp THEN NULL ELSE secret END
                WHERE id = :id""")
                .param("e", error.length() > 500 ? error.substring(0, 500) : error).param("next", nextAttempt)
                .param("giveUp", giveUp).param("id", id).update();
    }

    public void redactMember(long memberId) {
        jdbc.sql("""
                UPDATE mail_outbox SET recipient = 'erased', subject = 'erased', body_text = 'erased', body_html = NULL, secret = NULL
                WHERE member_id = :m""").param("m", memberId).update();
    }

    private static OutboxEntry entry(ResultSet rs, int row) throws SQLException {
        long member = rs.getLong("member_id");
        Long memberId = rs.wasNull() ? null : member;
        return new OutboxEntry(rs.getLong("id"), rs.getObject("created_at", OffsetDateTime.class), rs.getString("kind"),
                memberId, rs.getString("recipient"), rs.getString("subject"), rs.getString("body_text"),
                rs.getString("body_html"), OutboxEntry.Status.valueOf(rs.getString("status")), rs.getInt("attempts"),
                rs.getObject("sent_at", OffsetDateTime.class), rs.getString("last_error"), rs.getBoolean("marketing"),
                rs.getString("list_unsubscribe"), rs.getString("secret"));
    }
}
