package io.patron.program;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.transaction.annotation.Transactional;
import io.patron.program.internal.ProgramRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The programme versions. The active one is read on every quote, so it is cached; the cache is
 * re-checked against the database every {@value #CACHE_MILLIS} ms, so that an activation on one
 * instance takes effect on all of them within seconds. A new installation starts with the demo
 * programme of PRODUCT.md as version 1.
 */
@Service
public class Programs {

    static final long CACHE_MILLIS = 2_000;
    static final int DOCUMENT_MAX_CHARS = 1_000_000;

    private final ProgramRepository repository;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate separateTransaction;
    private final AuditLog audit;
    private volatile Cached cached;

    private final org.springframework.context.ApplicationEventPublisher events;

    Programs(ProgramRepository repository, JsonMapper json, Clock clock, PlatformTransactionManager transactions,
             AuditLog audit, org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.audit = audit;
        this.repository = repository;
        this.json = json;
        this.clock = clock;
        this.separateTransaction = new TransactionTemplate(transactions);
        this.separateTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Installs the demo programme on a new installation's first start, before any till asks. */
    @EventListener(ApplicationReadyEvent.class)
    void installOnFirstStart() {
        io.patron.common.StartupRetry.run("programme", this::active);
    }

    public ActiveProgram active() {
        Cached current = cached;
        long now = System.currentTimeMillis();
        if (current != null && current.checkedAt + CACHE_MILLIS > now) {
            return current.program;
        }
        int version = repository.activeVersion().orElseGet(this::installDemo);
        if (current == null || current.program.version() != version) {
            current = new Cached(new ActiveProgram(version, parse(repository.document(version))), now);
        } else {
            current = new Cached(current.program, now);
        }
        cached = current;
        return current.program;
    }

    /**
     * Checks a document and stores it as a new version: active at once, or as a draft beside the
     * active version. The stored form is the canonical JSON of the parsed document.
     */
    @Transactional
    public ProgramVersion save(String document, String comment, boolean activate) {
        ProgramDefinition definition = check(document);
        if (comment != null && comment.length() > 500) {
            throw ProblemException.invalid("comment", "at most 500 characters");
        }
        int version = repository.nextVersion();
        OffsetDateTime now = OffsetDateTime.now(clock);
        repository.insertDraft(version, json.writerWithDefaultPrettyPrinter().writeValueAsString(definition),
                Callers.actorName(), comment, now);
        audit.record("PROGRAM_VERSION_SAVED", "program", version, null, Map.of("version", version, "comment",
                comment == null ? "" : comment));
        if (activate) {
            activate(version);
        }
        return repository.version(version).orElseThrow();
    }

    /** Makes a version the one that prices sales; activating an older version is a roll-back. */
    @Transactional
    public ProgramVersion activate(int version) {
        ProgramVersion target = repository.version(version)
                .orElseThrow(() -> ProblemException.notFound("PROGRAM_VERSION_NOT_FOUND", "No programme version " + version + "."));
        int before = repository.activeVersion().orElse(0);
        ProgramDefinition definition = check(repository.document(version));
        repository.activate(version, OffsetDateTime.now(clock));
        cached = null;
        events.publishEvent(new ProgramActivated(version, definition.zone().getId()));
        audit.record("PROGRAM_VERSION_ACTIVATED", "program", version, Map.of("activeVersion", before),
                Map.of("activeVersion", version));
        return repository.version(target.version()).orElseThrow();
    }

    /** Parses and checks a document; every problem comes back as a 400 naming its field. */
    public ProgramDefinition check(String document) {
        if (document == null || document.isBlank()) {
            throw ProblemException.invalid("document", "is empty");
        }
        if (document.length() > DOCUMENT_MAX_CHARS) {
            throw ProblemException.invalid("document", "at most " + DOCUMENT_MAX_CHARS + " characters");
        }
        ProgramDefinition definition;
        try {
            definition = parse(document);
        } catch (tools.jackson.databind.DatabindException e) {
            String path = e.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("document");
            String message = e.getClass().getSimpleName().startsWith("Unrecognized") ? "is not a known field"
                    : "has the wrong type or value";
            throw ProblemException.invalid(path, message);
        } catch (tools.jackson.core.JacksonException e) {
            throw ProblemException.invalid("document", "is not valid JSON");
        }
        var problems = definition.problems();
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return definition;
    }

    /** The versions that priced sales at some time, the most recently activated first (at most {@code limit}). */
    public List<ProgramVersion> activated(int limit) {
        return repository.activated(Math.min(limit, 100));
    }

    /** A stored version's document, parsed. */
    public ProgramDefinition definition(int version) {
        return parse(documentJson(version));
    }

    public Page<ProgramVersion> versions(PageRequest page) {
        return new Page<>(repository.versions(page.size(), page.offset()), page.page(), page.size(), repository.countVersions());
    }

    /** What changed from one version to another, field by field (JSON paths). */
    public List<ProgramChange> diff(int from, int to) {
        Map<String, String> before = new TreeMap<>();
        Map<String, String> after = new TreeMap<>();
        flatten("", json.readTree(documentJson(from)), before);
        flatten("", json.readTree(documentJson(to)), after);
        List<ProgramChange> changes = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        for (String path : paths) {
            String a = before.get(path);
            String b = after.get(path);
            if (!java.util.Objects.equals(a, b)) {
                changes.add(new ProgramChange(path, a, b));
            }
        }
        return changes;
    }

    private static void flatten(String path, tools.jackson.databind.JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            for (var entry : node.properties()) {
                flatten(path.isEmpty() ? entry.getKey() : path + "." + entry.getKey(), entry.getValue(), into);
            }
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                into.put(path, "[]");
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), into);
            }
        } else {
            into.put(path, node.isNull() ? "null" : node.asString());
        }
    }

    /** The JSON Schema of the programme document. */
    public String schema() {
        try (InputStream in = Programs.class.getResourceAsStream("/program/schema.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the schema is part of the jar", e);
        }
    }

    public String documentJson(int version) {
        return repository.find(version)
                .orElseThrow(() -> ProblemException.notFound("PROGRAM_VERSION_NOT_FOUND", "No programme version " + version + "."));
    }

    ProgramDefinition parse(String document) {
        return json.readValue(document, ProgramDefinition.class);
    }

    /**
     * Installs the demo programme in a transaction of its own: a caller's transaction must not see
     * the unique-key failure of a concurrent installation (PostgreSQL would abort it).
     */
    private int installDemo() {
        try (InputStream in = Programs.class.getResourceAsStream("/program/demo.json")) {
            ProgramDefinition demo = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            var problems = demo.problems();
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the bundled demo programme is invalid: " + problems);
            }
            String document = json.writerWithDefaultPrettyPrinter().writeValueAsString(demo);
            separateTransaction.executeWithoutResult(s ->
                    repository.insertActive(1, document, "system", "Demo programme", OffsetDateTime.now(clock)));
        } catch (DataIntegrityViolationException e) {
            // Another instance installed it at the same moment.
        } catch (IOException e) {
            throw new IllegalStateException("the demo programme is part of the jar", e);
        }
        return repository.activeVersion().orElseThrow();
    }

    private record Cached(ActiveProgram program, long checkedAt) {
    }
}
