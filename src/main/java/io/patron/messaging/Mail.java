package io.patron.messaging;

import io.patron.members.MemberId;

/** An e-mail about to be queued: who it goes to, what kind it is and its rendered content. */
public record Mail(String kind, MemberId member, String recipient, String subject, String text, String html) {

    public static final int SUBJECT_MAX = 300;
}
