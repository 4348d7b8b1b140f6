package io.patron.members;

/**
 * ACTIVE members earn and redeem; BLOCKED ones do neither until unblocked; MERGED is the tombstone of
 * a duplicate that points to its survivor; ERASED is what remains after a GDPR erasure.
 */
public enum MemberStatus {
    ACTIVE, BLOCKED, MERGED, ERASED
}
