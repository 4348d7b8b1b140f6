package io.patron.program;

import java.time.OffsetDateTime;

/** One version of the programme document: who made it, when, why, and whether it prices sales now. */
public record ProgramVersion(int version, Status status, String author, String comment, OffsetDateTime createdAt,
                             OffsetDateTime activatedAt) {

    /** DRAFT versions wait; exactly one version is ACTIVE; RETIRED ones were active before. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeVersionStatus")
    public enum Status { DRAFT, ACTIVE, RETIRED }
}
