package io.patron.program;

import io.patron.common.ProblemException;
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

    private final ProgramRepository repository;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate separateTransaction;
    private volatile Cached cached;

    Programs(ProgramRepository repository, JsonMapper json, Clock clock, PlatformTransactionManager transactions) {
        this.repository = repository;
        this.json = json;
        this.clock = clock;
        this.separateTransaction = new TransactionTemplate(transactions);
        this.separateTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Installs the demo programme on a new installation's first start, before any till asks. */
    @EventListener(ApplicationReadyEvent.class)
    void installOnFirstStart() {
        active();
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

    public ActiveProgram version(int version) {
        return repository.find(version).map(d -> new ActiveProgram(version, parse(d)))
                .orElseThrow(() -> ProblemException.notFound("PROGRAM_VERSION_NOT_FOUND", "No programme version " + version + "."));
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
            String document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            var problems = parse(document).problems();
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the bundled demo programme is invalid: " + problems);
            }
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
