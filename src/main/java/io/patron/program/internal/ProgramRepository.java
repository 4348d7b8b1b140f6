package io.patron.program.internal;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ProgramRepository {

    private final JdbcClient jdbc;

    ProgramRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Integer> activeVersion() {
        return jdbc.sql("SELECT version FROM program_versions WHERE status = 'ACTIVE'").query(Integer.class).optional();
    }

    public String document(int version) {
        return find(version).orElseThrow();
    }

    public Optional<String> find(int version) {
        return jdbc.sql("SELECT document FROM program_versions WHERE version = :v").param("v", version)
                .query(String.class).optional();
    }

    public int nextVersion() {
        return jdbc.sql("SELECT COALESCE(MAX(version), 0) + 1 FROM program_versions").query(Integer.class).single();
    }

    public void insertDraft(int version, String document, String author, String comment, OffsetDateTime at) {
        jdbc.sql("""
                INSERT INTO program_versions (version, document, status, author, comment, created_at)
                VALUES (:v, :d, 'DRAFT', :a, :c, :at)""")
                .param("v", version).param("d", document).param("a", author).param("c", comment).param("at", at)
                .update();
    }

    /** Makes a version the active one; the previously active one is retired. */
    public void activate(int version, OffsetDateTime at) {
        jdbc.sql("UPDATE program_versions SET status = 'RETIRED' WHERE status = 'ACTIVE' AND version <> :v")
                .param("v", version).update();
        jdbc.sql("UPDATE program_versions SET status = 'ACTIVE', activated_at = :at WHERE version = :v")
                .param("v", version).param("at", at).update();
    }

    /** The versions that priced sales at some time (active now or retired), the most recently activated first. */
    public java.util.List<io.patron.program.ProgramVersion> activated(int limit) {
        return jdbc.sql("SELECT * FROM program_versions WHERE activated_at IS NOT NULL ORDER BY activated_at DESC, version DESC LIMIT :l")
                .param("l", limit)
                .query(ProgramRepository::version)
                .list();
    }

    public java.util.List<io.patron.program.ProgramVersion> versions(int limit, long offset) {
        return jdbc.sql("SELECT * FROM program_versions ORDER BY version DESC LIMIT :l OFFSET :o")
                .param("l", limit).param("o", offset)
                .query(ProgramRepository::version)
                .list();
    }

    public long countVersions() {
        return jdbc.sql("SELECT COUNT(*) FROM program_versions").query(Long.class).single();
    }

    public Optional<io.patron.program.ProgramVersion> version(int version) {
        return jdbc.sql("SELECT * FROM program_versions WHERE version = :v").param("v", version)
                .query(ProgramRepository::version)
                .optional();
    }

    public void insertActive(int version, String document, String author, String comment, OffsetDateTime at) {
        jdbc.sql("""
                INSERT INTO program_versions (version, document, status, author, comment, created_at, activated_at)
                VALUES (:v, :d, 'ACTIVE', :a, :c, :at, :at)""")
                .param("v", version).param("d", document).param("a", author).param("c", comment).param("at", at)
                .update();
    }

    private static io.patron.program.ProgramVersion version(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new io.patron.program.ProgramVersion(rs.getInt("version"), io.patron.program.ProgramVersion.Status.valueOf(rs.getString("status")),
                rs.getString("author"), rs.getString("comment"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("activated_at", OffsetDateTime.class));
    }
}
