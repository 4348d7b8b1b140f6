package io.patron.segments;

import java.time.OffsetDateTime;

/** A saved segment: a code to refer to it, a name, its definition. */
public record Segment(long id, String code, String name, SegmentDefinition definition, String createdBy, OffsetDateTime createdAt,
                      OffsetDateTime updatedAt) {
}
