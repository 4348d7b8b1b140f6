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

    public void insertActive(int version, String document, String author, String comment, OffsetDateTime at) {
        jdbc.sql("""
                INSERT INTO program_versions (version, document, status, author, comment, created_at, activated_at)
                VALUES (:v, :d, 'ACTIVE', :a, :c, :at, :at)""")
                .param("v", version).param("d", document).param("a", author).param("c", comment).param("at", at)
                .update();
    }
}
