package io.patron.messaging;

import io.patron.members.MemberId;

/**
 * An e-mail about to be queued: who it goes to, what kind it is and its rendered content. A
 * {@code marketing} mail carries its one-click {@code unsubscribeUrl} (RFC 8058 headers). A mail that
 * carries a one-time secret (a sign-in link's token) has {@link #SECRET_MARK} in its text and HTML
 * where the secret goes and the secret itself apart: the outbox shows the mark, and only the sender
 * puts the secret in, at the moment it hands the mail over.
 */
public record Mail(String kind, MemberId member, String recipient, String subject, String text, String html, boolean marketing,
                   String unsubscribeUrl, String secret) {

    public static final int SUBJECT_MAX = 300;
    /** Stands for the secret in a stored mail; reads as masked where the outbox shows it. */
    public static final String SECRET_MARK = "[\u2022\u2022\u2022]";

    public Mail(String kind, MemberId member, String recipient, String subject, String text, String html, boolean marketing,
                String unsubscribeUrl) {
        this(kind, member, recipient, subject, text, html, marketing, unsubscribeUrl, null);
    }

    /** A transactional mail: sent whatever the member's marketing consent. */
    public Mail(String kind, MemberId member, String recipient, String subject, String text, String html) {
        this(kind, member, recipient, subject, text, html, false, null, null);
    }

    /** This mail with {@code secret} to be put in place of {@link #SECRET_MARK} when it is sent. */
    public Mail withSecret(String secret) {
        return new Mail(kind, member, recipient, subject, text, html, marketing, unsubscribeUrl, secret);
    }
}
