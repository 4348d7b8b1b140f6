package io.patron.checkout;

import io.patron.audit.AuditLog;
import io.patron.checkout.internal.BacktestRepository;
import io.patron.checkout.internal.BacktestRepository.HistoryReturn;
import io.patron.checkout.internal.BacktestRepository.HistorySale;
import io.patron.checkout.internal.Pricing;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.program.ActiveProgram;
import io.patron.program.ProgramDefinition;
import io.patron.program.Programs;
import io.patron.stores.Store;
import io.patron.stores.StoreId;
import io.patron.stores.Stores;
import jakarta.annotation.PreDestroy;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Back-tests: a candidate programme version run over the recorded purchases and returns of a period
 * beside a baseline version (by default the active one), in the background, one at a time per
 * instance. Both run in one pass over the history, read a page at a time in time order; nothing is
 * written but the job's own row (progress, heartbeat, result). A running job stops at its next page
 * when cancelled; a job whose instance died is failed when another instance starts.
 */
@Service
public class Backtests {

    private static final Logger log = LoggerFactory.getLogger(Backtests.class);
    static final int PAGE = 2_000;
    static final int PERIOD_DAYS_MAX = 5 * 366;
    private static final Duration STALE = Duration.ofMinutes(2);

    private final BacktestRepository repository;
    private final Programs programs;
    private final Members members;
    private final Stores stores;
    private final Pricing pricing;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backtest");
        t.setDaemon(true);
        return t;
    });

    Backtests(BacktestRepository repository, Programs programs, Members members, Stores stores, Pricing pricing, AuditLog audit,
              JsonMapper json, Clock clock) {
        this.repository = repository;
        this.programs = programs;
        this.members = members;
        this.stores = stores;
        this.pricing = pricing;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /** What a marketer asks for: dates are local dates of the candidate's time zone, {@code to} included. */
    public record Request(Integer candidateVersion, Integer baselineVersion, LocalDate from, LocalDate to, String storeCode) {
    }

    /** Queues a back-test; its id comes back at once. */
    public Backtest start(Request request) {
        Validation v = new Validation();
        if (request.candidateVersion() == null) {
            v.reject("candidateVersion", "is required");
        }
        if (request.from() == null) {
            v.reject("from", "is required (yyyy-MM-dd)");
        }
        if (request.to() == null) {
            v.reject("to", "is required (yyyy-MM-dd)");
        }
        if (request.from() != null && request.to() != null) {
            if (request.to().isBefore(request.from())) {
                v.reject("to", "is before from");
            } else if (request.to().toEpochDay() - request.from().toEpochDay() >= PERIOD_DAYS_MAX) {
                v.reject("to", "a period of at most " + PERIOD_DAYS_MAX + " days");
            }
        }
        v.throwIfInvalid();
        int candidate = request.candidateVersion();
        int baseline = request.baselineVersion() == null ? programs.active().version() : request.baselineVersion();
        ProgramDefinition definition = definition(candidate, "candidateVersion");
        definition(baseline, "baselineVersion");
        Long storeId = null;
        if (request.storeCode() != null && !request.storeCode().isBlank()) {
            storeId = stores.findByCode(request.storeCode().trim().toUpperCase())
                    .orElseThrow(() -> ProblemException.invalid("storeCode", "no store has this code")).id().value();
        }
        OffsetDateTime from = request.from().atStartOfDay(definition.zone()).toOffsetDateTime();
        OffsetDateTime to = request.to().plusDays(1).atStartOfDay(definition.zone()).toOffsetDateTime();
        long id = repository.insert(candidate, baseline, from, to, storeId, Callers.actorName(), OffsetDateTime.now(clock));
        audit.record("BACKTEST_STARTED", "backtest", id, null, Map.of("candidateVersion", candidate, "baselineVersion", baseline,
                "from", request.from().toString(), "to", request.to().toString()));
        executor.submit(() -> run(id));
        return repository.find(id).orElseThrow();
    }

    private ProgramDefinition definition(int version, String field) {
        try {
            return programs.check(programs.documentJson(version));
        } catch (ProblemException e) {
            if (e.status() == org.springframework.http.HttpStatus.NOT_FOUND) {
                throw ProblemException.invalid(field, "no programme version " + version);
            }
            throw e;
        }
    }

    public Optional<Backtest> find(long id) {
        return repository.find(id);
    }

    public Backtest get(long id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("BACKTEST_NOT_FOUND", "No back-test " + id + "."));
    }

    public Page<Backtest> list(PageRequest page) {
        return new Page<>(repository.list(page.size(), page.offset()), page.page(), page.size(), repository.count());
    }

    public Backtest cancel(long id) {
        Backtest backtest = get(id);
        if (backtest.status().finished()) {
            throw ProblemException.conflict("BACKTEST_FINISHED", "Back-test " + id + " has already finished.", null);
        }
        repository.requestCancel(id, OffsetDateTime.now(clock));
        audit.record("BACKTEST_CANCELLED", "backtest", id, null, null);
        return get(id);
    }

    /** On start: fails the jobs of instances that died, and takes up the queued ones. */
    @EventListener(ApplicationReadyEvent.class)
    void resume() {
        io.patron.common.StartupRetry.run("back-tests", () -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            int failed = repository.failStale(now.minus(STALE), now);
            if (failed > 0) {
                log.warn("{} back-test(s) failed: the server running them stopped", failed);
            }
            repository.queued().forEach(id -> executor.submit(() -> run(id)));
        });
    }

    /** Runs a queued job here (unless another instance claimed it). */
    void run(long id) {
        if (repository.claim(id, OffsetDateTime.now(clock))) {
            execute(id);
        }
    }

    /** Runs a claimed job to its end: DONE with the figures, CANCELLED, or FAILED with the reason. */
    void execute(long id) {
        try {
            Backtest job = repository.find(id).orElseThrow();
            Outcome outcome = simulate(job);
            if (outcome == null) {
                repository.finish(id, Backtest.Status.CANCELLED, null, null, OffsetDateTime.now(clock));
            } else {
                repository.finish(id, Backtest.Status.DONE, json.writeValueAsString(outcome), null, OffsetDateTime.now(clock));
            }
        } catch (RuntimeException e) {
            log.error("Back-test {} failed", id, e);
            repository.finish(id, Backtest.Status.FAILED, null, e.getClass().getSimpleName() + ": " + e.getMessage(),
                    OffsetDateTime.now(clock));
        }
    }

    /** Both programmes' figures over the same history. */
    public record Outcome(OffsetDateTime from, OffsetDateTime to, Long storeId, long receipts, long returns,
                          Simulation.Result baseline, Simulation.Result candidate, long durationMillis) {
    }

    /** Runs the two simulations over the job's history; null when cancelled. */
    private Outcome simulate(Backtest job) {
        long started = System.currentTimeMillis();
        ActiveProgram candidate = new ActiveProgram(job.candidateVersion(), programs.check(programs.documentJson(job.candidateVersion())));
        ActiveProgram baseline = new ActiveProgram(job.baselineVersion(), programs.check(programs.documentJson(job.baselineVersion())));
        Simulation[] simulations = {new Simulation(baseline, pricing), new Simulation(candidate, pricing)};
        long total = repository.countSales(job.from(), job.to(), job.storeId());
        repository.progress(job.id(), total, 0, OffsetDateTime.now(clock));
        Map<Long, Member> memberCache = new HashMap<>();
        Map<Long, Store> storeCache = new HashMap<>();
        OffsetDateTime afterAt = null;
        long afterId = 0;
        OffsetDateTime returnAt = null;
        long returnId = 0;
        long done = 0;
        long returns = 0;
        while (true) {
            List<HistorySale> sales = repository.sales(job.from(), job.to(), job.storeId(), afterAt, afterId, PAGE);
            OffsetDateTime until = sales.isEmpty() ? job.to() : sales.getLast().at();
            List<HistoryReturn> pending = new ArrayList<>();
            while (true) {
                List<HistoryReturn> page = repository.returns(job.from(), until, job.storeId(), returnAt, returnId, PAGE);
                pending.addAll(page);
                if (page.size() < PAGE) {
                    break;
                }
                returnAt = page.getLast().at();
                returnId = page.getLast().id();
            }
            if (!pending.isEmpty()) {
                returnAt = pending.getLast().at();
                returnId = pending.getLast().id();
            }
            int r = 0;
            for (HistorySale sale : sales) {
                // Returns recorded before this sale come first, as they happened.
                while (r < pending.size() && pending.get(r).at().isBefore(sale.at())) {
                    giveBack(simulations, pending.get(r++));
                    returns++;
                }
                sell(simulations, sale, memberCache, storeCache, job.from());
            }
            while (r < pending.size()) {
                giveBack(simulations, pending.get(r++));
                returns++;
            }
            done += sales.size();
            repository.progress(job.id(), total, done, OffsetDateTime.now(clock));
            if (repository.cancelRequested(job.id())) {
                return null;
            }
            if (sales.size() < PAGE) {
                break;
            }
            afterAt = sales.getLast().at();
            afterId = sales.getLast().id();
            if (memberCache.size() > 200_000) {
                memberCache.clear();
            }
        }
        OffsetDateTime end = job.to();
        return new Outcome(job.from(), job.to(), job.storeId(), done, returns, simulations[0].finish(end), simulations[1].finish(end),
                System.currentTimeMillis() - started);
    }

    private static void giveBack(Simulation[] simulations, HistoryReturn r) {
        for (Simulation simulation : simulations) {
            simulation.giveBack(r.purchaseId(), r.at(), r.quantities());
        }
    }

    private void sell(Simulation[] simulations, HistorySale sale, Map<Long, Member> memberCache, Map<Long, Store> storeCache,
                      OffsetDateTime from) {
        Store store = storeCache.computeIfAbsent(sale.storeId(), id -> stores.get(new StoreId(id)));
        Member member = sale.memberId() == null ? null
                : memberCache.computeIfAbsent(sale.memberId(), id -> members.get(new MemberId(id)));
        Basket basket = new Basket(sale.receiptId(), sale.at(), null, sale.lines(), List.of(), 0);
        for (Simulation simulation : simulations) {
            Simulation.Prior prior = member == null || simulation.knows(member.id().value()) ? null
                    : prior(member.id().value(), simulation.definition(), from);
            simulation.sale(sale.id(), basket, member, prior, store.timeZone(), store.code());
        }
    }

    /**
     * What the member brought from before the period, under this programme's ladder: the running totals
     * of their history as they stood at {@code from} (months in the programme's zone; only the months a
     * window can still reach are kept apart, older ones count in the totals).
     */
    private Simulation.Prior prior(long memberId, ProgramDefinition definition, OffsetDateTime from) {
        long count = (long) repository.priorTotals(memberId, from)[2];
        if (count == 0 || definition.tiers() == null) {
            return new Simulation.Prior(TierBuckets.empty(), count);
        }
        java.time.ZoneId zone = definition.zone();
        java.time.YearMonth keep = TierBuckets.earliestNeeded(definition.tiers(), TierBuckets.monthOf(from, zone));
        OffsetDateTime lookback = keep.atDay(1).atStartOfDay(zone).toOffsetDateTime();
        Object[] before = repository.priorTotals(memberId, lookback);
        BigDecimal baseSpend = (BigDecimal) before[0];
        long basePoints = (long) before[1];
        Map<Long, OffsetDateTime> recent = new LinkedHashMap<>();
        TierBuckets buckets = new TierBuckets(baseSpend, basePoints, Map.of());
        repository.priorPurchases(memberId, lookback, from).forEach(p -> {
            recent.put(p.id(), p.at());
            buckets.add(TierBuckets.monthOf(p.at(), zone), p.spend(), p.points());
        });
        for (var r : repository.priorReturns(memberId, null, from, from)) {
            OffsetDateTime bought = recent.get(r.purchaseId());
            if (bought != null) {
                buckets.add(TierBuckets.monthOf(bought, zone), r.spend().negate(), -r.points());
            } else if (r.purchaseAt() != null && r.purchaseAt().isBefore(lookback)) {
                buckets.add(TierBuckets.monthOf(r.purchaseAt(), zone), r.spend().negate(), -r.points());
            }
        }
        return new Simulation.Prior(buckets, count);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
