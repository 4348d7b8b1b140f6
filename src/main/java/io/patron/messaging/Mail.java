package io.patron.messaging;

import io.patron.members.MemberId;

/**
 * An e-mail about to be queued: who it goes to, what kind it is and its rendered content. A
 * {@code marketing} mail carries its one-click {@code unsubscribeUrl} (RFC 8058 headers).
 */
public record Mail(String kind, MemberId member, String recipient, String subject, String text, String html, boolean marketing,
                   String unsubscribeUrl) {

    public static final int SUBJECT_MAX = 300;

    /** A transactional mail: sent whatever the member's marketing consent. */
    public Mail(String kind, MemberId member, String recipient, String subject, String text, String html) {
        this(kind, member, recipient, subject, text, html, false, null);
    }
}
