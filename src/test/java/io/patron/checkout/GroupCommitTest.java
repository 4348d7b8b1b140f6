package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.ledger.LedgerInvariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Group commit on: concurrent sales of a few members, each sent twice at once as a till's retry would
 * be, some asking to redeem more points than the member has. Every sale is recorded exactly once with
 * its own answer, the retries are answered as replays of it, a refused sale fails alone (its group's
 * other sales are recorded), and the ledger's books balance.
 */
@TestPropertySource(properties = {"patron.checkout.group-commit.enabled=true", "patron.checkout.group-commit.window-micros=3000"})
class GroupCommitTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    io.patron.checkout.internal.GroupCommit groupCommit;

    @Test
    void salesWrittenTogetherAreEachRecordedOnceAndARefusedOneFailsAlone() throws Exception {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cards.add(till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString());
        }
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String run = Long.toString(seed, 36);
        List<Map<String, Object>> sales = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            var sale = new java.util.LinkedHashMap<String, Object>();
            sale.put("receiptId", "GC-" + run + "-" + i);
            if (random.nextInt(8) > 0) {
                sale.put("member", Map.of("cardNumber", cards.get(random.nextInt(cards.size()))));
                // One in five asks for points the member cannot have yet (new members: nothing available).
                sale.put("pointsToRedeem", random.nextInt(5) == 0 ? 50 : 0);
            }
            sale.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100 + random.nextInt(900))));
            sales.add(sale);
        }
        Map<String, List<Api.Response>> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (Map<String, Object> sale : sales) {
                for (int copy = 0; copy < 2; copy++) {
                    sent.add(pool.submit(() -> answers.computeIfAbsent((String) sale.get("receiptId"), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(till.postRetrying("/api/v1/purchases", Api.json(sale)))));
                }
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int recorded = 0;
        int refused = 0;
        for (Map<String, Object> sale : sales) {
            String receipt = (String) sale.get("receiptId");
            List<Api.Response> pair = answers.get(receipt);
            long rows = jdbc.sql("SELECT COUNT(*) FROM purchases WHERE receipt_id = :r").param("r", receipt).query(Long.class).single();
            if (pair.stream().anyMatch(r -> r.status() == 201 || r.status() == 200)) {
                recorded++;
                assertThat(rows).as(receipt + " (seed " + seed + ")").isEqualTo(1);
                assertThat(pair).as(receipt).allMatch(r -> r.status() == 201 || r.status() == 200);
                assertThat(pair.get(0).json().path("purchaseId")).as(receipt).isEqualTo(pair.get(1).json().path("purchaseId"));
            } else {
                refused++;
                assertThat(rows).as(receipt + " refused, never recorded (seed " + seed + ")").isZero();
                assertThat(pair).as(receipt).allMatch(r -> r.status() == 422 && r.code().equals("INSUFFICIENT_POINTS"));
            }
        }
        assertThat(recorded).as("sales recorded").isGreaterThan(60);
        assertThat(refused).as("sales refused for their own reason").isPositive();
        new LedgerInvariants(jdbc).check("after group commits (seed " + seed + ")");
        long[] written = groupCommit.written();
        assertThat(written[1]).as("sales written in groups").isGreaterThan(written[0]).as("more sales than transactions");
    }
}
