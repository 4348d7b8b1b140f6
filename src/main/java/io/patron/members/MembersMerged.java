package io.patron.members;

/** Published when a duplicate member was merged into a survivor; balances and history follow it. */
public record MembersMerged(MemberId survivor, MemberId merged) {
}
