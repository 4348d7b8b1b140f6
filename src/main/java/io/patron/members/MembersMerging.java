package io.patron.members;

/**
 * Published at the start of a merge, before any member row is locked, so that modules holding
 * per-member locks (the ledger's accounts) take them first: the same order a sale takes them in,
 * which keeps a merge and a sale for the same member from deadlocking.
 */
public record MembersMerging(MemberId survivor, MemberId duplicate) {
}
