package io.patron.fraud;

import java.time.OffsetDateTime;

/**
 * A case a velocity rule raised: the rule, what it concerns (a member, a till, or a contact pattern),
 * how many it counted against its limit within its window, the evidence, and its review.
 */
public record FraudCase(long id, String ruleId, String kind, Long memberId, Long tillId, String pattern, Status status, long observed,
                        int limit, int windowMinutes, String evidence, boolean holds, String assignee, OffsetDateTime openedAt,
                        OffsetDateTime updatedAt, OffsetDateTime closedAt, String closedBy, Resolution resolution) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "FraudCaseStatus")
    public enum Status { OPEN, CLOSED }

    /** How a case was closed: the activity was fraud, or it was not. */
    public enum Resolution { FRAUD, NOT_FRAUD }

    public record Note(long id, String author, String note, OffsetDateTime notedAt) {
    }

    /** A member's redemptions held: why, by whom, since when, and the case that holds them (null: held by hand). */
    public record Hold(long memberId, Long caseId, String reason, OffsetDateTime heldAt, String heldBy) {
    }
}
