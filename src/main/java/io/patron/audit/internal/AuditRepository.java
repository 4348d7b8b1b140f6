package io.patron.audit.internal;

import io.patron.audit.AuditEntry;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class AuditRepository {

    private static final String REDACTED = "{\"redacted\":\"erased on request\"}";

    private final JdbcClient jdbc;

    AuditRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(OffsetDateTime at, String actor, String action, String entityType, String entityId,
                       String before, String after) {
        jdbc.sql("""
                INSERT INTO audit_log (occurred_at, actor, action, entity_type, entity_id, before_state, after_state)
                VALUES (:at, :actor, :action, :type, :id, :before, :after)""")
                .param("at", at).param("actor", truncate(actor, 100)).param("action", action)
                .param("type", entityType).param("id", entityId).param("before", before).param("after", after)
                .update();
    }

    public List<AuditEntry> trail(String entityType, String entityId, int limit) {
        return jdbc.sql("""
                SELECT * FROM audit_log WHERE entity_type = :type AND entity_id = :id
                ORDER BY id DESC LIMIT :limit""")
                .param("type", entityType).param("id", entityId).param("limit", limit)
                .query(AuditRepository::map).list();
    }

    public Page<AuditEntry> page(PageRequest request, String entityType, String actor) {
        String where = " WHERE (CAST(:type AS VARCHAR) IS NULL OR entity_type = :type)"
                + " AND (CAST(:actor AS VARCHAR) IS NULL OR actor = :actor)";
        long total = jdbc.sql("SELECT COUNT(*) FROM audit_log" + where)
                .param("type", entityType).param("actor", actor).query(Long.class).single();
        List<AuditEntry> items = jdbc.sql("SELECT * FROM audit_log" + where + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
                .param("type", entityType).param("actor", actor)
                .param("limit", request.size()).param("offset", request.offset())
                .query(AuditRepository::map).list();
        return new Page<>(items, request.page(), request.size(), total);
    }

    public void redact(String entityType, String entityId) {
        jdbc.sql("""
                UPDATE audit_log SET before_state = CASE WHEN before_state IS NULL THEN NULL ELSE :r END,
                                     after_state = CASE WHEN after_state IS NULL THEN NULL ELSE :r END
                WHERE entity_type = :type AND entity_id = :id""")
                .param("r", REDACTED).param("type", entityType).param("id", entityId).update();
    }

    private static AuditEntry map(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getObject("occurred_at", OffsetDateTime.class),
                rs.getString("actor"), rs.getString("action"), rs.getString("entity_type"),
                rs.getString("entity_id"), rs.getString("before_state"), rs.getString("after_state"));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
