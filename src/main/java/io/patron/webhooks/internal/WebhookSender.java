package io.patron.webhooks.internal;

import io.patron.webhooks.WebhookDelivery;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Posts the queued deliveries. A subscription is delivered by one worker at a time across instances:
 * the worker holds the subscription's lease (a row update, renewed before every attempt and longer than
 * one attempt can take), so two instances never post the same delivery at once, and a killed instance's
 * lease runs out and another carries on with the same delivery — at least once, never lost. Within a
 * subscription deliveries go out one after the other, oldest first: a delivery being retried holds back
 * the later ones of its subscription and of no other. Each subscription's worker runs on a small pool
 * of its own threads, so a receiver that takes the whole timeout to answer delays only itself, and no
 * database connection is held while waiting for an answer.
 * <p>
 * A 2xx answer delivers; anything else, a timeout or a broken connection is retried after an
 * exponentially growing pause with jitter (from {@code patron.webhooks.first-retry-millis}, tripled
 * each time, at most two hours; longer when the receiver's {@code Retry-After} asks, up to six) until
 * {@code patron.webhooks.give-up-after-minutes} (a day) after the first attempt; then the delivery is
 * FAILED and the subscription marked failing, and the next delivery goes.
 */
@Component
public class WebhookSender {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    static final int RESPONSE_BYTES = 1024;
    private static final Duration LONGEST_BACKOFF = Duration.ofHours(2);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(6);
    private static final int PER_TURN = 500;
    private static final int HEADS = 50;
    private static final long BUSY_PAUSE_MILLIS = 5;

    private final WebhookStore store;
    private final SecretBox box;
    private final TargetGuard guard;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration firstRetry;
    private final Duration giveUpAfter;
    private final String owner = "instance-" + UUID.randomUUID();
    private final ExecutorService workers;
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meters;
    private final io.patron.common.LoadShedding api;
    private final int busyRequests;
    private final java.util.concurrent.ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webhooks-timeouts");
        t.setDaemon(true);
        return t;
    });

    WebhookSender(WebhookStore store, SecretBox box, TargetGuard guard, TransactionTemplate transactions, Clock clock, MeterRegistry meters,
                  io.patron.common.LoadShedding api, @Value("${patron.webhooks.busy-requests:4}") int busyRequests,
                  @Value("${patron.webhooks.timeout-millis:10000}") long timeoutMillis,
                  @Value("${patron.webhooks.first-retry-millis:5000}") long firstRetryMillis,
                  @Value("${patron.webhooks.give-up-after-minutes:1440}") long giveUpMinutes,
                  @Value("${patron.webhooks.workers:4}") int workers) {
        this.api = api;
        this.busyRequests = busyRequests;
        this.store = store;
        this.box = box;
        this.guard = guard;
        this.transactions = transactions;
        this.clock = clock;
        this.meters = meters;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.firstRetry = Duration.ofMillis(firstRetryMillis);
        this.giveUpAfter = Duration.ofMinutes(giveUpMinutes);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "webhooks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * How long a worker holds a subscription without renewing: an attempt takes at most three timeouts
     * (connecting, the answer's head, its first bytes), and the lease is renewed whenever a quarter of
     * it has passed, before the next attempt.
     */
    private Duration lease() {
        return timeout.multipliedBy(4).plusSeconds(30);
    }

    @Scheduled(fixedDelayString = "${patron.webhooks.poll-millis:500}", initialDelayString = "${patron.events.initial-delay-millis:3000}")
    void poll() {
        startDue();
    }

    /** Starts a worker for each subscription with a due delivery that nobody delivers yet; answers how many started. */
    public int startDue() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        int started = 0;
        for (long id : store.due(now, 100)) {
            if (running.contains(id) || !store.lease(id, owner, now, now.plus(lease()))) {
                continue;
            }
            running.add(id);
            started++;
            workers.submit(() -> {
                try {
                    deliver(id);
                } catch (RuntimeException e) {
                    log.warn("Delivering webhooks of subscription {} stopped: {}", id, e.toString());
                } finally {
                    store.release(id, owner);
                    running.remove(id);
                }
            });
        }
        return started;
    }

    /** Whether no worker of this instance is running. */
    public boolean idle() {
        return running.isEmpty();
    }

    void deliver(long subscriptionId) {
        int sent = 0;
        OffsetDateTime renewed = null;
        List<WebhookStore.Delivered> done = new ArrayList<>();
        try {
            while (sent < PER_TURN) {
                List<WebhookDelivery> heads = store.heads(subscriptionId, HEADS);
                WebhookStore.Secrets target = store.secrets(subscriptionId);
                if (heads.isEmpty() || target == null) {
                    return;
                }
                Signer signer = new Signer(box.open(target.current()), target.previous() == null ? null : box.open(target.previous()),
                        target.previousUntil());
                for (WebhookDelivery delivery : heads) {
                    OffsetDateTime now = OffsetDateTime.now(clock);
                    if (renewed == null || now.isAfter(renewed.plus(lease().dividedBy(4)))) {
                        if (!store.lease(subscriptionId, owner, now, now.plus(lease()))) {
                            return; // paused, deleted, or (after a long stall) taken over by another instance
                        }
                        renewed = now;
                    }
                    if (delivery.nextAttemptAt().isAfter(now)) {
                        return;
                    }
                    giveWayToTheTills();
                    Outcome outcome = post(delivery, target.url(), signer);
                    sent++;
                    if (!outcome.delivered()) {
                        noteDone(done, subscriptionId, target.failing());
                        noteFailure(delivery, outcome);
                        return; // the later ones wait for it
                    }
                    done.add(new WebhookStore.Delivered(delivery.id(), outcome.at(), outcome.status(), outcome.latencyMillis(),
                            outcome.response()));
                    if (done.size() >= HEADS) {
                        noteDone(done, subscriptionId, target.failing());
                    }
                }
                noteDone(done, subscriptionId, target.failing());
            }
        } finally {
            noteDone(done, subscriptionId, false);
        }
    }

    /**
     * Notes what was delivered, in one batch. A crash before this note means those deliveries go out
     * again (at least once; receivers de-duplicate by webhook-id), never that one is lost.
     */
    private void noteDone(List<WebhookStore.Delivered> done, long subscriptionId, boolean wasFailing) {
        if (done.isEmpty()) {
            return;
        }
        List<WebhookStore.Delivered> batch = List.copyOf(done);
        done.clear();
        transactions.executeWithoutResult(tx -> store.delivered(batch));
        if (wasFailing) {
            store.recovered(subscriptionId);
        }
        meters.counter("patron.webhooks.attempts", "outcome", "delivered").increment(batch.size());
    }

    /** What one attempt came to. */
    private record Outcome(OffsetDateTime at, Integer status, int latencyMillis, String response, String error, Duration retryAfter) {
        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    /**
     * Background work gives way to sales: while {@code patron.webhooks.busy-requests} or more API
     * requests are in flight on this instance, pause a little before each delivery. In a rush the
     * deliveries fall behind and catch up after it; the till keeps its speed.
     */
    private void giveWayToTheTills() {
        if (api != null && api.inFlight() >= busyRequests) {
            try {
                Thread.sleep(BUSY_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Signs with the current secret and, during a rotation's overlap, the previous one beside it. */
    private record Signer(String current, String previous, OffsetDateTime previousUntil) {
        String sign(String messageId, long timestamp, String body, OffsetDateTime now) {
            String signature = Signatures.sign(current, messageId, timestamp, body);
            if (previous != null && previousUntil != null && previousUntil.isAfter(now)) {
                signature += " " + Signatures.sign(previous, messageId, timestamp, body);
            }
            return signature;
        }
    }

    private Outcome post(WebhookDelivery delivery, String url, Signer signer) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Integer status = null;
        String response = null;
        String error = guard.refusal(url);
        Duration retryAfter = Duration.ZERO;
        long started = System.nanoTime();
        if (error == null) {
            long timestamp = now.toEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Patron-Webhooks/1")
                    .header("webhook-id", delivery.messageId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signer.sign(delivery.messageId(), timestamp, delivery.payload(), now))
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.payload(), StandardCharsets.UTF_8)).build();
            try {
                HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                status = answer.statusCode();
                response = firstBytes(answer.body());
                retryAfter = answer.headers().firstValue("Retry-After").map(v -> retryAfter(v, now)).orElse(Duration.ZERO);
            } catch (HttpTimeoutException e) {
                error = "no answer within " + timeout.toMillis() + " ms";
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            }
        }
        int latency = (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return new Outcome(now, status, latency, response, error, retryAfter);
    }

    /** A failed attempt: noted with its answer or error; retried after a pause, or given up a day after the first. */
    private void noteFailure(WebhookDelivery delivery, Outcome outcome) {
        OffsetDateTime now = outcome.at();
        transactions.executeWithoutResult(tx -> {
            store.attempt(delivery.id(), now, outcome.status(), outcome.latencyMillis(), outcome.response(), outcome.error());
            OffsetDateTime firstAttempt = delivery.attempts() == 0 ? now : firstAttemptOf(delivery, now);
            if (!firstAttempt.plus(giveUpAfter).isAfter(now)) {
                store.gaveUp(delivery.id(), delivery.subscriptionId(), firstAttempt, now);
                log.warn("Webhook delivery {} ({}) to subscription {} failed for good after {} attempts", delivery.id(), delivery.type(),
                        delivery.subscriptionId(), delivery.attempts() + 1);
            } else {
                Duration pause = backoff(delivery.attempts() + 1, firstRetry);
                Duration wait = outcome.retryAfter();
                store.retryLater(delivery.id(), firstAttempt, now.plus(wait.compareTo(pause) > 0 ? wait : pause));
            }
        });
        meters.counter("patron.webhooks.attempts", "outcome", "failed").increment();
    }

    /** The answer's first bytes, read within the timeout: a receiver that trickles its body forever is cut off. */
    private String firstBytes(InputStream body) throws IOException {
        var cutOff = timeouts.schedule(() -> {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (body) {
            return new String(body.readNBytes(RESPONSE_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the answer's body was not read within " + timeout.toMillis() + " ms)";
        } finally {
            cutOff.cancel(false);
        }
    }

    private OffsetDateTime firstAttemptOf(WebhookDelivery delivery, OffsetDateTime now) {
        return store.firstAttempt(delivery.id(), now);
    }

    /** The pause after the n-th failed attempt: tripled each time from the first, at most two hours, ±20 % jitter. */
    static Duration backoff(int failures, Duration first) {
        double millis = first.toMillis() * Math.pow(3, Math.min(failures - 1, 12));
        millis = Math.min(millis, LONGEST_BACKOFF.toMillis());
        return Duration.ofMillis((long) (millis * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    /** A Retry-After in seconds or as an HTTP date; at most six hours, nothing when unreadable. */
    static Duration retryAfter(String value, OffsetDateTime now) {
        Duration asked;
        try {
            asked = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            try {
                asked = Duration.between(now, ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (RuntimeException unreadable) {
                return Duration.ZERO;
            }
        }
        if (asked.isNegative()) {
            return Duration.ZERO;
        }
        return asked.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : asked;
    }
}
