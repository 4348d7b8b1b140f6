package io.patron.sms;

import io.patron.members.MemberId;

/**
 * A text message about to be queued: what kind it is, to whom and its text. A {@code marketing} message
 * needs the member's SMS consent; a transactional one (a one-time code, a receipt) does not. A message
 * that carries a one-time secret has {@link #SECRET_MARK} in its text where the secret goes and the
 * secret apart: the outbox shows the mark, and only the sender puts the secret in.
 */
public record Sms(String kind, MemberId member, String recipient, String text, boolean marketing, String secret) {

    /** Stands for the secret in a stored message; as long as a six-digit code, so the parts are counted right. */
    public static final String SECRET_MARK = "******";
    public static final int TEXT_MAX = 1000;

    public static Sms transactional(String kind, MemberId member, String recipient, String text) {
        return new Sms(kind, member, recipient, text, false, null);
    }

    public static Sms marketing(String kind, MemberId member, String recipient, String text) {
        return new Sms(kind, member, recipient, text, true, null);
    }

    public Sms withSecret(String secret) {
        return new Sms(kind, member, recipient, text, marketing, secret);
    }

    /** The text as it goes out: the secret in place of its mark. */
    public String delivered() {
        return secret == null ? text : text.replace(SECRET_MARK, secret);
    }
}
