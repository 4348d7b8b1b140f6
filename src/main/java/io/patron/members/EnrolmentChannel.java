package io.patron.members;

/** Where a member was enrolled, or where a consent was given. */
public enum EnrolmentChannel {
    TILL, API, ADMIN, PORTAL, IMPORT,
    /** A link in an e-mail (unsubscribe, preferences). */
    EMAIL
}
