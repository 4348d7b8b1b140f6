package io.patron.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps an overloaded instance useful: at most {@code patron.api.max-concurrent} API requests are
 * worked on at once (about what the database pool can serve), a request that finds no room within
 * {@code patron.api.queue-wait-millis} gets a quick 503 with {@code Retry-After} — at once when
 * {@code patron.api.max-queued} requests are already waiting, as it would not get in within the wait
 * anyway and every waiting thread is one more for the busy CPUs to schedule — and one API key may
 * have at most {@code patron.api.max-concurrent-per-key} requests in flight (a misbehaving till gets
 * 429 and the others go on). Work in progress is never dropped, so the throughput of successful sales
 * stays near the peak however many more requests arrive. Health checks are never shed.
 *
 * <p>Each key (or, without one, each client address) may also make at most
 * {@code patron.api.requests-per-minute} requests in a minute; every API answer says where it stands
 * in the draft IETF headers {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset}, and one more request is {@code 429 RATE_LIMITED} with {@code Retry-After}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 4)
public class LoadShedding extends OncePerRequestFilter {

    private final Semaphore slots;
    private final int maxConcurrent;
    private final long waitMillis;
    private final int maxQueued;
    private final int perKey;
    private final Map<String, AtomicInteger> inFlightByKey = new ConcurrentHashMap<>();
    private final Counter shed;
    private final Counter keyLimited;
    private final int perMinute;
    private final Map<String, long[]> minutes = new ConcurrentHashMap<>();

    LoadShedding(@Value("${patron.api.max-concurrent:20}") int maxConcurrent, @Value("${patron.api.queue-wait-millis:25}") long waitMillis,
                 @Value("${patron.api.max-queued:8}") int maxQueued, @Value("${patron.api.max-concurrent-per-key:16}") int perKey,
                 @Value("${patron.api.requests-per-minute:60000}") int perMinute, MeterRegistry meters) {
        this.perMinute = Math.max(1, perMinute);
        this.slots = new Semaphore(maxConcurrent, true);
        this.maxConcurrent = maxConcurrent;
        this.waitMillis = waitMillis;
        this.maxQueued = maxQueued;
        this.perKey = perKey;
        this.shed = Counter.builder("patron.api.shed").description("API requests refused with 503: no room").register(meters);
        this.keyLimited = Counter.builder("patron.api.key.limited").description("API requests refused with 429: too many in flight for their key")
                .register(meters);
    }

    /** API requests being worked on now: background work (webhook deliveries) gives way while the tills are busy. */
    public int inFlight() {
        return maxConcurrent - slots.availablePermits();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = keyOf(request.getHeader("Authorization"));
        long retryAfter = countRequest(key != null ? key : "addr:" + request.getRemoteAddr(), response);
        if (retryAfter > 0) {
            keyLimited.increment();
            request.setAttribute(TillMetrics.PROBLEM_CODE, "RATE_LIMITED");
            Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                    "This key has used up its requests for this minute.", Map.of("Retry-After", Long.toString(retryAfter)));
            return;
        }
        AtomicInteger mine = key == null ? null : inFlightByKey.computeIfAbsent(key, k -> new AtomicInteger());
        if (mine != null && mine.incrementAndGet() > perKey) {
            release(key, mine);
            keyLimited.increment();
            request.setAttribute(TillMetrics.PROBLEM_CODE, "KEY_CONCURRENCY_LIMIT");
            Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "KEY_CONCURRENCY_LIMIT",
                    "Too many requests of this key at once; wait for the answers before sending more.", Map.of("Retry-After", "1"));
            return;
        }
        boolean admitted = false;
        try {
            admitted = queued() < maxQueued && slots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
            if (!admitted) {
                shed.increment();
                request.setAttribute(TillMetrics.PROBLEM_CODE, "OVERLOADED");
                Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, "OVERLOADED",
                        "The service is busy; retry in a moment.", Map.of("Retry-After", "1"));
                return;
            }
            chain.doFilter(request, response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, "OVERLOADED", "The service is busy; retry in a moment.",
                    Map.of("Retry-After", "1"));
        } finally {
            if (admitted) {
                slots.release();
            }
            if (mine != null) {
                release(key, mine);
            }
        }
    }

    /**
     * Counts a request of {@code who} in its current minute and writes the rate-limit headers; answers
     * the seconds until the minute ends when it is over the limit, else 0.
     */
    private long countRequest(String who, HttpServletResponse response) {
        long now = System.currentTimeMillis();
        if (minutes.size() > 100_000) {
            minutes.entrySet().removeIf(e -> e.getValue()[0] <= now);
        }
        long[] window = minutes.compute(who, (k, w) -> {
            if (w == null || w[0] <= now) {
                return new long[] {now + 60_000, 1};
            }
            w[1]++;
            return w;
        });
        long reset = Math.max(1, (window[0] - now + 999) / 1000);
        response.setHeader("RateLimit-Limit", Integer.toString(perMinute));
        response.setHeader("RateLimit-Remaining", Long.toString(Math.max(0, perMinute - window[1])));
        response.setHeader("RateLimit-Reset", Long.toString(reset));
        return window[1] > perMinute ? reset : 0;
    }

    /** Requests waiting for a place now. */
    int queued() {
        return slots.getQueueLength();
    }

    private void release(String key, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            inFlightByKey.remove(key, count);
        }
    }

    /** A key's identity without keeping the secret: a hash of the Authorization header. */
    private static String keyOf(String authorization) {
        if (authorization == null || authorization.isBlank() || authorization.length() > 512) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(authorization.getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
