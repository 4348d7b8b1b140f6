package io.patron.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * PostgreSQL cuts every connection of Patron's again and again while tills commit sales (as a
 * restart or a network cut does): Patron answers 503 with Retry-After, never 500; every sale it
 * acknowledged is recorded once with the answer it gave; what it did not acknowledge is recorded
 * once when the till retries; the ledger balances; and Patron serves again by itself. Only on
 * PostgreSQL, where a connection can be terminated from outside (the tag keeps it out of the H2 pass).
 */
@Tag("postgresql-only")
class DatabaseOutageTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void cutConnectionsGiveQuick503sAndLoseNoAcknowledgedSale() throws Exception {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cards.add(till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString());
        }
        Map<String, String> bodies = new ConcurrentHashMap<>();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> unavailableMillis = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(6);
        for (int c = 0; c < 6; c++) {
            int client = c;
            Thread.ofPlatform().start(() -> {
                try {
                    for (int n = 0; running.get(); n++) {
                        String receipt = "OUT-" + System.nanoTime() + "-" + client + "-" + n;
                        String body = Api.json(Map.of("receiptId", receipt, "member", Map.of("cardNumber", cards.get(n % cards.size())),
                                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100 + n % 7)),
                                "pointsToRedeem", 0));
                        bodies.put(receipt, body);
                        long started = System.nanoTime();
                        Api.Response r = till.post("/api/v1/purchases", body);
                        if (r.status() == 201 || r.status() == 200) {
                            acknowledged.put(receipt, r.body());
                        } else if (r.status() == 503) {
                            unavailableMillis.add((System.nanoTime() - started) / 1_000_000);
                            if (r.raw().headers().firstValue("Retry-After").isEmpty()) {
                                unexpected.add("503 without Retry-After: " + r.body());
                            }
                        } else if (r.status() != 409) {
                            unexpected.add(r.status() + " " + r.body());
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        String url = System.getProperty("patron.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/patron_test");
        try (Connection admin = DriverManager.getConnection(url, System.getProperty("patron.test.pg.user", "postgres"),
                System.getProperty("patron.test.pg.password", ""))) {
            Thread.sleep(500);
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                admin.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
                Thread.sleep(50);
            }
        }
        Thread.sleep(500);
        running.set(false);
        done.await();
        assertThat(unexpected).as("never a 500 or another error while connections were cut").isEmpty();
        assertThat(unavailableMillis).as("some requests met a cut connection").isNotEmpty();
        assertThat(unavailableMillis.stream().mapToLong(Long::longValue).max().orElse(0)).as("503s come quickly").isLessThan(3_000);

        // Patron serves again by itself; every receipt retried is recorded exactly once.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (var e : bodies.entrySet()) {
            Api.Response r;
            do {
                r = till.post("/api/v1/purchases", e.getValue());
            } while (r.status() == 503 && System.nanoTime() < deadline);
            assertThat(r.status()).as(r.body()).isIn(200, 201);
            if (acknowledged.containsKey(e.getKey())) {
                assertThat(r.body()).as("a retry of an acknowledged sale replays its answer").isEqualTo(acknowledged.get(e.getKey()));
            }
        }
        for (String receipt : bodies.keySet()) {
            assertThat(jdbc.sql("SELECT COUNT(*) FROM purchases WHERE receipt_id = :r").param("r", receipt).query(Long.class).single())
                    .as(receipt).isEqualTo(1);
        }
        new LedgerInvariants(jdbc).check("after cut connections");
    }
}
