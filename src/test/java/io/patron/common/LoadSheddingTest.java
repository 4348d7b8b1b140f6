package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The overload guards on their own, with requests held inside the application by a latch: a key
 * with its requests already in flight gets 429, a request finding every slot taken gets a quick 503,
 * both with Retry-After; the requests admitted complete.
 */
class LoadSheddingTest {

    private static MockHttpServletRequest request(String key) {
        MockHttpServletRequest r = new MockHttpServletRequest("POST", "/api/v1/purchases");
        r.setRequestURI("/api/v1/purchases");
        r.addHeader("Authorization", "Bearer " + key);
        return r;
    }

    @Test
    void aBusyKeyGets429AndAFullInstanceAQuick503WhileAdmittedRequestsComplete() throws Exception {
        LoadShedding shedding = new LoadShedding(2, 10, 8, 1, 60_000, new SimpleMeterRegistry());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(2);
        jakarta.servlet.FilterChain held = held(inside, release);
        MockHttpServletResponse first = new MockHttpServletResponse();
        MockHttpServletResponse second = new MockHttpServletResponse();
        // Threads of their own: the common pool may have a single thread on a small machine.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        var a = CompletableFuture.runAsync(() -> run(shedding, request("till-a"), first, held), pool);
        var b = CompletableFuture.runAsync(() -> run(shedding, request("till-b"), second, held), pool);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse sameKey = new MockHttpServletResponse();
        run(shedding, request("till-a"), sameKey, held);
        assertThat(sameKey.getStatus()).isEqualTo(429);
        assertThat(sameKey.getContentAsString()).contains("KEY_CONCURRENCY_LIMIT");
        assertThat(sameKey.getHeader("Retry-After")).isEqualTo("1");

        MockHttpServletResponse full = new MockHttpServletResponse();
        long started = System.nanoTime();
        run(shedding, request("till-c"), full, held);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(full.getStatus()).isEqualTo(503);
        assertThat(full.getContentAsString()).contains("OVERLOADED");
        assertThat(full.getHeader("Retry-After")).isEqualTo("1");
        assertThat(tookMillis).as("refused quickly").isLessThan(1_000);

        release.countDown();
        CompletableFuture.allOf(a, b).get(5, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(first.getStatus()).isEqualTo(201);
        assertThat(second.getStatus()).isEqualTo(201);
        MockHttpServletResponse later = new MockHttpServletResponse();
        run(shedding, request("till-a"), later, (req, res) -> ((MockHttpServletResponse) res).setStatus(201));
        assertThat(later.getStatus()).as("room again once the answers are out").isEqualTo(201);
    }

    @Test
    void whenEnoughRequestsAlreadyWaitTheNextIsRefusedAtOnceAndTheWaitingOneGetsIn() throws Exception {
        LoadShedding shedding = new LoadShedding(1, 3_000, 1, 16, 60_000, new SimpleMeterRegistry());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        jakarta.servlet.FilterChain held = held(inside, release);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        MockHttpServletResponse working = new MockHttpServletResponse();
        MockHttpServletResponse waiting = new MockHttpServletResponse();
        var a = CompletableFuture.runAsync(() -> run(shedding, request("till-a"), working, held), pool);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        var b = CompletableFuture.runAsync(() -> run(shedding, request("till-b"), waiting, (req, res) -> ((MockHttpServletResponse) res).setStatus(201)), pool);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (shedding.queued() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        MockHttpServletResponse refused = new MockHttpServletResponse();
        long started = System.nanoTime();
        run(shedding, request("till-c"), refused, held);
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat((System.nanoTime() - started) / 1_000_000).as("not made to wait the 3 s queue wait").isLessThan(1_000);

        release.countDown();
        CompletableFuture.allOf(a, b).get(5, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(working.getStatus()).isEqualTo(201);
        assertThat(waiting.getStatus()).as("the one that waited got in").isEqualTo(201);
    }

    /** A request in work: it says it is inside, then holds its place until released, then answers 201. */
    private static jakarta.servlet.FilterChain held(CountDownLatch inside, CountDownLatch release) {
        return (req, res) -> {
            inside.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ((MockHttpServletResponse) res).setStatus(201);
        };
    }

    private static void run(LoadShedding shedding, MockHttpServletRequest request, MockHttpServletResponse response,
                            jakarta.servlet.FilterChain chain) {
        try {
            shedding.doFilter(request, response, chain);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
