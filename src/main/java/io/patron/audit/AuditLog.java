package io.patron.audit;

import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.audit.internal.AuditRepository;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of every write made by people and scripts. Entries are written in the caller's
 * transaction, so a write and its audit entry exist together or not at all.
 */
@Service
public class AuditLog {

    private static final int ENTITY_TRAIL_MAX = 200;

    private final AuditRepository repository;
    private final JsonMapper json;
    private final Clock clock;

    AuditLog(AuditRepository repository, JsonMapper json, Clock clock) {
        this.repository = repository;
        this.json = json;
        this.clock = clock;
    }

    public void record(String action, String entityType, Object entityId, Object before, Object after) {
        repository.insert(OffsetDateTime.now(clock), Callers.actorName(), action, entityType,
                String.valueOf(entityId), toJson(before), toJson(after));
    }

    public List<AuditEntry> trail(String entityType, Object entityId) {
        return repository.trail(entityType, String.valueOf(entityId), ENTITY_TRAIL_MAX);
    }

    public Page<AuditEntry> page(PageRequest request, String entityType, String actor) {
        return repository.page(request, blankToNull(entityType), blankToNull(actor));
    }

    /**
     * Removes the recorded states of an erased person's entity (GDPR erasure). The entries stay, so
     * the trail still shows who did what and when, but no longer what the personal data was.
     */
    public void redact(String entityType, Object entityId) {
        repository.redact(entityType, String.valueOf(entityId));
    }

    private String toJson(Object state) {
        return state == null ? null : json.writeValueAsString(state);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
