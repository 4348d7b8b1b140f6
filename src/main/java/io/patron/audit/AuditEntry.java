package io.patron.audit;

import java.time.OffsetDateTime;

/** One admin write: who did what to which entity, when, and the entity before and after (JSON). */
public record AuditEntry(long id, OffsetDateTime occurredAt, String actor, String action,
                         String entityType, String entityId, String before, String after) {
}
