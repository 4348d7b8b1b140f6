package io.patron.messaging;

import java.time.OffsetDateTime;

/**
 * A queued or sent e-mail. CAPTURED mails were kept in the outbox instead of being sent because no
 * SMTP server is configured (the embedded default); PENDING ones wait for the sender; SENT and FAILED
 * are final.
 */
public record OutboxEntry(long id, OffsetDateTime createdAt, String kind, Long memberId, String recipient,
                          String subject, String text, String html, Status status, int attempts,
                          OffsetDateTime sentAt, String lastError, boolean marketing, String listUnsubscribe, String secret) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "MailStatus")
    public enum Status { PENDING, CAPTURED, SENT, FAILED }

    /** The text as it goes out: the secret in place of its mark. */
    public String deliveredText() {
        return reveal(text);
    }

    public String deliveredHtml() {
        return html == null ? null : reveal(html);
    }

    /** Whether the text still holds a secret that works (it is dropped once the mail is sent). */
    public boolean holdsSecret() {
        return secret != null;
    }

    private String reveal(String body) {
        return secret == null ? body : body.replace(Mail.SECRET_MARK, secret);
    }
}
