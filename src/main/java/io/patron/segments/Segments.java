package io.patron.segments;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import io.patron.segments.internal.SegmentQuery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Saved segments, and their evaluation in SQL: the count (live, while a definition is edited), a
 * page of members, and every member id in batches for a campaign that reaches them all.
 */
@Service
public class Segments {

    private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9-]{1,39}");
    private static final Set<String> LANGUAGES = Set.of("en", "ru", "ro", "hy");
    private static final Set<String> CATEGORIES = Set.of("PENSIONER", "STUDENT", "DISABLED", "LARGE_FAMILY", "VETERAN");
    private static final int BATCH = 5_000;

    private final JdbcClient jdbc;
    private final io.patron.program.Programs programs;
    private final JsonMapper json;
    private final AuditLog audit;
    private final Clock clock;
    private final org.springframework.transaction.support.TransactionTemplate transactions;
    private final boolean postgresql;

    Segments(JdbcClient jdbc, io.patron.program.Programs programs, JsonMapper json, AuditLog audit, Clock clock,
             org.springframework.transaction.support.TransactionTemplate transactions, javax.sql.DataSource dataSource) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.postgresql = isPostgresql(dataSource);
        this.programs = programs;
        this.json = json;
        this.audit = audit;
        this.clock = clock;
    }

    /** Refuses a definition with its offending fields. */
    public void check(SegmentDefinition d) {
        Validation v = new Validation();
        if (d == null) {
            throw ProblemException.invalid("definition", "is required");
        }
        if (d.languages().stream().anyMatch(l -> !LANGUAGES.contains(l.toLowerCase(Locale.ROOT)))) {
            v.reject("definition.languages", "en, ru, ro or hy");
        }
        if (d.categories().stream().anyMatch(c -> !CATEGORIES.contains(c.toUpperCase(Locale.ROOT)))) {
            v.reject("definition.categories", "PENSIONER, STUDENT, DISABLED, LARGE_FAMILY or VETERAN");
        }
        if (d.stores().size() > 200) {
            v.reject("definition.stores", "at most 200 stores");
        }
        if (d.birthMonths().stream().anyMatch(m -> m == null || m < 1 || m > 12)) {
            v.reject("definition.birthMonths", "1 to 12");
        }
        for (var days : Map.of("enrolledDaysMin", d.enrolledDaysMin() == null ? 0 : d.enrolledDaysMin(),
                "enrolledDaysMax", d.enrolledDaysMax() == null ? 0 : d.enrolledDaysMax(),
                "lastPurchaseDaysMin", d.lastPurchaseDaysMin() == null ? 0 : d.lastPurchaseDaysMin(),
                "lastPurchaseDaysMax", d.lastPurchaseDaysMax() == null ? 0 : d.lastPurchaseDaysMax()).entrySet()) {
            if (days.getValue() < 0 || days.getValue() > 36_500) {
                v.reject("definition." + days.getKey(), "0 to 36500 days");
            }
        }
        if (d.windowDays() != null && (d.windowDays() < 1 || d.windowDays() > 3_650)) {
            v.reject("definition.windowDays", "1 to 3650 days");
        }
        if (d.purchasesMin() != null && d.purchasesMin() < 0 || d.purchasesMax() != null && d.purchasesMax() < 0) {
            v.reject("definition.purchasesMin", "0 or more");
        }
        if (d.spendMin() != null && d.spendMin().signum() < 0 || d.spendMax() != null && d.spendMax().signum() < 0) {
            v.reject("definition.spendMin", "0 or more");
        }
        if (d.referralsMin() != null && d.referralsMin() < 0) {
            v.reject("definition.referralsMin", "0 or more");
        }
        for (String c : d.rfmClasses()) {
            if (java.util.Arrays.stream(Rfm.RfmClass.values()).noneMatch(k -> k.name().equals(c))) {
                v.reject("definition.rfmClasses", "classes among " + java.util.Arrays.toString(Rfm.RfmClass.values()));
                break;
            }
        }
        if (!d.tiers().isEmpty()) {
            var ladder = programs.active().definition().tiers();
            if (ladder == null || d.tiers().stream().anyMatch(t -> ladder.named(t) == null)) {
                v.reject("definition.tiers", "tiers of the active programme's ladder");
            }
        }
        v.throwIfInvalid();
    }

    /**
     * How many members the definition holds now. On PostgreSQL the count runs without parallel
     * workers: a parallel plan makes every worker aggregate all the window's purchases again, which
     * costs more than it saves (see V15 and docs/performance.md).
     */
    public long count(SegmentDefinition d) {
        check(d);
        if (!postgresql) {
            return select(d, "COUNT(*)", "").query(Long.class).single();
        }
        return transactions.execute(status -> {
            jdbc.sql("SET LOCAL max_parallel_workers_per_gather = 0").update();
            return select(d, "COUNT(*)", "").query(Long.class).single();
        });
    }

    private static boolean isPostgresql(javax.sql.DataSource dataSource) {
        try (var connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot tell the database product", e);
        }
    }

    /** Whether one member belongs to the definition now (one query, by the member's id). */
    public boolean contains(SegmentDefinition d, long memberId) {
        return select(d, "COUNT(*)", " AND m.id = :member").param("member", memberId).query(Long.class).single() > 0;
    }

    /** The definition's SQL with what to select and a further condition, its parameters bound. */
    private JdbcClient.StatementSpec select(SegmentDefinition d, String what, String more) {
        SegmentQuery q = SegmentQuery.of(d, OffsetDateTime.now(clock), programs.active().definition().tiers());
        JdbcClient.StatementSpec spec = jdbc.sql("SELECT " + what + " FROM " + q.from() + " WHERE " + q.where() + more);
        for (var p : q.params().entrySet()) {
            spec = spec.param(p.getKey(), p.getValue());
        }
        return spec;
    }

    /**
     * The segment's members now as a SQL subquery selecting their ids, with its named parameters, for
     * another module to filter by (the analytics): {@code member_id IN (sql)}. Parameter names start with
     * the segment query's own names; the caller's must not clash with them.
     */
    public record MemberSet(String sql, Map<String, Object> params) {
    }

    public MemberSet memberSet(SegmentDefinition d) {
        check(d);
        SegmentQuery q = SegmentQuery.of(d, OffsetDateTime.now(clock), programs.active().definition().tiers());
        return new MemberSet("SELECT m.id FROM " + q.from() + " WHERE " + q.where(), q.params());
    }

    /** A page of the segment's member ids, in id order. */
    public Page<Long> members(SegmentDefinition d, PageRequest page) {
        return new Page<>(ids(d, 0, page.size(), page.offset()), page.page(), page.size(), count(d));
    }

    /** Every member id of the segment, a batch at a time (keyset-paged, so members joining meanwhile are not skipped twice). */
    public long forEachBatch(SegmentDefinition d, Consumer<List<Long>> batch) {
        check(d);
        long after = 0;
        long total = 0;
        while (true) {
            List<Long> ids = ids(d, after, BATCH, 0);
            if (!ids.isEmpty()) {
                batch.accept(ids);
                total += ids.size();
                after = ids.getLast();
            }
            if (ids.size() < BATCH) {
                return total;
            }
        }
    }

    private List<Long> ids(SegmentDefinition d, long after, int limit, long offset) {
        return select(d, "m.id", " AND m.id > :after ORDER BY m.id LIMIT :limit OFFSET :offset")
                .param("after", after).param("limit", limit).param("offset", offset).query(Long.class).list();
    }

    @Transactional
    public Segment save(String code, String name, SegmentDefinition definition) {
        Validation v = new Validation();
        String c = code == null ? "" : code.trim().toUpperCase(Locale.ROOT);
        if (!CODE.matcher(c).matches()) {
            v.reject("code", "2 to 40 letters, digits or -");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        v.throwIfInvalid();
        check(definition);
        OffsetDateTime now = OffsetDateTime.now(clock);
        String document = json.writeValueAsString(definition);
        Optional<Segment> existing = byCode(c);
        long id;
        if (existing.isPresent()) {
            id = existing.get().id();
            jdbc.sql("UPDATE segments SET name = :n, definition = :d, updated_at = :now WHERE id = :id")
                    .param("n", name.trim()).param("d", document).param("now", now).param("id", id).update();
        } else {
            id = jdbc.sql("SELECT nextval('segment_seq')").query(Long.class).single();
            jdbc.sql("""
                    INSERT INTO segments (id, code, name, definition, created_by, created_at, updated_at)
                    VALUES (:id, :c, :n, :d, :by, :now, :now)""")
                    .param("id", id).param("c", c).param("n", name.trim()).param("d", document).param("by", Callers.actorName())
                    .param("now", now).update();
        }
        audit.record("SEGMENT_SAVED", "segment", id, existing.map(s -> (Object) Map.of("definition", json.writeValueAsString(s.definition())))
                .orElse(null), Map.of("code", c, "definition", document));
        return get(id);
    }

    public Segment get(long id) {
        return jdbc.sql("SELECT * FROM segments WHERE id = :id").param("id", id).query(this::segment).optional()
                .orElseThrow(() -> ProblemException.notFound("SEGMENT_NOT_FOUND", "No segment " + id + "."));
    }

    public Optional<Segment> byCode(String code) {
        return jdbc.sql("SELECT * FROM segments WHERE code = :c").param("c", code == null ? "" : code.trim().toUpperCase(Locale.ROOT))
                .query(this::segment).optional();
    }

    public List<Segment> list() {
        return jdbc.sql("SELECT * FROM segments ORDER BY code LIMIT 500").query(this::segment).list();
    }

    @Transactional
    public void delete(long id) {
        get(id);
        jdbc.sql("DELETE FROM segments WHERE id = :id").param("id", id).update();
        audit.record("SEGMENT_DELETED", "segment", id, null, null);
    }

    private Segment segment(ResultSet rs, int i) throws SQLException {
        return new Segment(rs.getLong("id"), rs.getString("code"), rs.getString("name"),
                json.readValue(rs.getString("definition"), SegmentDefinition.class), rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
