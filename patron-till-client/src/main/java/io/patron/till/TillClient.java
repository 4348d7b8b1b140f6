package io.patron.till;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patron.till.api.PurchasesApi;
import io.patron.till.http.ApiClient;
import io.patron.till.http.ApiException;
import io.patron.till.http.ApiResponse;
import io.patron.till.model.Problem;
import io.patron.till.model.PurchaseRequest;
import io.patron.till.model.PurchaseResponse;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A till's connection to Patron that keeps the till selling while Patron or the network is away.
 *
 * <p>{@link #sell} writes each sale to a durable queue first (an embedded file database in the
 * till's own directory), with the time of sale fixed then, and sends it: when Patron answers, the
 * outcome is {@link Outcome.Recorded} (its own answer, or the stored answer of an earlier attempt —
 * a replay) or {@link Outcome.Rejected} (a problem of the sale's own, such as insufficient points);
 * when Patron cannot be reached, is briefly unavailable or asks to slow down, the sale stays queued
 * ({@link Outcome.Queued}) and a background sender sends it later with the same receipt id and its
 * original {@code occurredAt}, honouring {@code Retry-After} and backing off (1 s doubling to a minute).
 * Patron records each receipt once, so a sale sent twice is answered as a replay: every sale is
 * recorded exactly once. Sales leave the queue in the order they were sold; while older sales wait, a
 * new one waits behind them.
 */
public final class TillClient implements AutoCloseable {

    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);
    /** How long the sender leaves a new sale to the call that queued it (longer than one attempt can take). */
    private static final Duration HANDS_OFF = Duration.ofSeconds(30);

    private final PurchasesApi purchases;
    private final ObjectMapper json;
    private final SaleQueue queue;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Thread sender;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile boolean open = true;
    private final java.util.function.Consumer<Outcome> listener;

    private TillClient(Builder b) {
        ApiClient api = new ApiClient();
        api.updateBaseUri(b.baseUrl);
        api.setHttpClientBuilder(HttpClient.newBuilder().connectTimeout(b.connectTimeout));
        api.setReadTimeout(b.readTimeout);
        String key = b.key;
        api.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        this.purchases = new PurchasesApi(api);
        this.json = api.getObjectMapper();
        this.queue = new SaleQueue(b.queueDirectory);
        this.clock = b.clock;
        this.listener = b.listener;
        this.sender = Thread.ofPlatform().daemon().name("patron-till-sender").start(this::sendLoop);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How to reach Patron, with which till key, and where the queue lives. */
    public static final class Builder {
        private String baseUrl;
        private String key;
        private Path queueDirectory;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration readTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private java.util.function.Consumer<Outcome> listener = outcome -> { };

        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder queueDirectory(Path directory) {
            this.queueDirectory = directory;
            return this;
        }

        public Builder timeouts(Duration connect, Duration read) {
            this.connectTimeout = connect;
            this.readTimeout = read;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Told the outcome of each queued sale when the sender has sent it (recorded or rejected). */
        public Builder onOutcome(java.util.function.Consumer<Outcome> listener) {
            this.listener = listener;
            return this;
        }

        public TillClient build() {
            if (baseUrl == null || key == null || queueDirectory == null) {
                throw new IllegalStateException("baseUrl, key and queueDirectory are required");
            }
            return new TillClient(this);
        }
    }

    /** Prices a basket without recording anything (needs Patron: nothing is queued). */
    public PurchaseResponse quote(PurchaseRequest request) throws ApiException {
        return purchases.quotePurchase(request);
    }

    /**
     * Records a sale, now when Patron answers, else later from the queue. The sale's time is fixed
     * here when the request has none, so a sale sent later keeps the time it was made.
     */
    public Outcome sell(PurchaseRequest request) {
        if (request.getOccurredAt() == null) {
            request.setOccurredAt(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        }
        String body = write(request);
        Instant now = clock.instant();
        boolean behind = !queue.isEmpty();
        // Queued before the first attempt; the sender leaves it to this call for a moment (this call sends it).
        queue.add(request.getReceiptId(), body, now, behind ? now : now.plus(HANDS_OFF));
        if (behind) {
            wake();
            return new Outcome.Queued(request.getReceiptId(), "older sales are waiting to be sent");
        }
        return queue.find(request.getReceiptId()).map(this::attempt)
                .orElseGet(() -> new Outcome.Queued(request.getReceiptId(), "queued"));
    }

    /** Tries to send every waiting sale now, for at most {@code timeout}; answers whether the queue is empty. */
    public boolean flush(Duration timeout) {
        Instant until = clock.instant().plus(timeout);
        while (!queue.isEmpty() && clock.instant().isBefore(until)) {
            wake();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return queue.isEmpty();
    }

    public QueueStats stats() {
        Duration oldest = queue.oldest().map(t -> Duration.between(t, clock.instant())).orElse(Duration.ZERO);
        return new QueueStats(queue.size(), oldest, recorded.get(), rejected.get(), failedAttempts.get());
    }

    /** One attempt at a waiting sale; the queue keeps it unless Patron answered it for good. */
    private Outcome attempt(SaleQueue.Waiting sale) {
        lock.lock();
        try {
            PurchaseRequest request = json.readValue(sale.body(), PurchaseRequest.class);
            ApiResponse<PurchaseResponse> answer = purchases.commitPurchaseWithHttpInfo(request);
            queue.remove(sale.seq());
            recorded.incrementAndGet();
            return new Outcome.Recorded(sale.receiptId(), answer.getData(), answer.getStatusCode() == 200);
        } catch (ApiException e) {
            return refusedOrQueued(sale, e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("A queued sale cannot be read back: " + sale.receiptId(), e);
        } finally {
            lock.unlock();
        }
    }

    private Outcome refusedOrQueued(SaleQueue.Waiting sale, ApiException e) {
        int status = e.getCode();
        boolean transientFailure = status == 0 || status == 408 || status == 429 || status >= 500;
        if (transientFailure) {
            failedAttempts.incrementAndGet();
            Duration pause = retryAfter(e).orElseGet(() -> backoff(sale.attempts()));
            queue.retryLater(sale.seq(), clock.instant().plus(pause), status == 0 ? "Patron unreachable: " + e.getMessage() : "HTTP " + status);
            return new Outcome.Queued(sale.receiptId(), status == 0 ? "Patron unreachable" : "HTTP " + status);
        }
        queue.remove(sale.seq());
        rejected.incrementAndGet();
        Problem problem = problem(e);
        return new Outcome.Rejected(sale.receiptId(), status, problem == null ? "HTTP_" + status : problem.getCode(),
                problem == null ? e.getResponseBody() : problem.getDetail());
    }

    private Problem problem(ApiException e) {
        try {
            return e.getResponseBody() == null ? null : json.readValue(e.getResponseBody(), Problem.class);
        } catch (java.io.IOException notAProblem) {
            return null;
        }
    }

    private static Optional<Duration> retryAfter(ApiException e) {
        if (e.getResponseHeaders() == null) {
            return Optional.empty();
        }
        return e.getResponseHeaders().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
            } catch (NumberFormatException notSeconds) {
                return Optional.empty();
            }
        });
    }

    static Duration backoff(int attempts) {
        Duration pause = FIRST_PAUSE.multipliedBy(1L << Math.min(attempts, 10));
        return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
    }

    private void sendLoop() {
        while (open) {
            try {
                Optional<SaleQueue.Waiting> due = queue.next(clock.instant());
                if (due.isPresent()) {
                    Outcome outcome = attempt(due.get());
                    if (!(outcome instanceof Outcome.Queued)) {
                        listener.accept(outcome);
                    }
                    continue;
                }
                long waitMillis = queue.nextDue().map(t -> Math.max(10, Duration.between(clock.instant(), t).toMillis())).orElse(1_000L);
                lock.lock();
                try {
                    work.await(Math.min(waitMillis, 1_000), java.util.concurrent.TimeUnit.MILLISECONDS);
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The queue is intact; try again in a moment.
                failedAttempts.incrementAndGet();
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void wake() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private String write(PurchaseRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("The sale cannot be written as JSON", e);
        }
    }

    /** Stops the sender; waiting sales stay in the queue for the next start. */
    @Override
    public void close() {
        open = false;
        sender.interrupt();
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.close();
    }
}
