package io.patron.members;

/** Published when a member joins, in the enrolling transaction. */
public record MemberEnrolled(MemberId memberId, EnrolmentChannel channel) {
}
