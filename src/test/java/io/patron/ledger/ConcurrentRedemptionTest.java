package io.patron.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Fifty tills spend the same member's points at the same moment: no lost update, no double spend. */
class ConcurrentRedemptionTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void fiftyTillsRedeeming100PointsFromABalanceOf1000SucceedExactlyTenTimes() throws Exception {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        JsonNode member = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
        long id = member.path("id").asLong();
        String card = member.path("cardNumber").asString();
        Api.Response credit = Api.basic(port, "admin", ADMIN_PASSWORD).send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/api/v1/members/" + id + "/adjustments"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "race-" + id)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":1000,\"reason\":\"race test\"}")));
        assertThat(credit.status()).isEqualTo(201);

        List<Callable<Api.Response>> tills = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String body = Api.json(Map.of("receiptId", "RACE-" + id + "-" + i, "member", Map.of("cardNumber", card),
                    "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 200)),
                    "pointsToRedeem", 100));
            // Fifty at once from one key and for one member: the overload guards send some back with 429, and the till retries.
            tills.add(() -> till.postRetrying("/api/v1/purchases", body));
        }
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Api.Response> answers = new ArrayList<>();
        try {
            for (Future<Api.Response> f : pool.invokeAll(tills)) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        long succeeded = answers.stream().filter(a -> a.status() == 201).count();
        assertThat(succeeded).isEqualTo(10);
        assertThat(answers).filteredOn(a -> a.status() != 201)
                .allSatisfy(a -> assertThat(a.code()).isEqualTo("INSUFFICIENT_POINTS"));
        JsonNode account = till.get("/api/v1/members/" + id + "/account").json();
        assertThat(account.path("pointsAvailable").asLong()).isZero();
        long redeemed = jdbc.sql("SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE debit_member_id = :m AND code = 'REDEEM'")
                .param("m", id).query(Long.class).single();
        assertThat(redeemed).isEqualTo(1000);
        new LedgerInvariants(jdbc).check("after the race");
    }

    @Test
    void theSameRedeemingReceiptSentFiveTimesAtOnceIsRecordedOnceAndNeverRefused() throws Exception {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        JsonNode member = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
        long id = member.path("id").asLong();
        Api.Response credit = Api.basic(port, "admin", ADMIN_PASSWORD).send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/api/v1/members/" + id + "/adjustments"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "retry-" + id)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":100,\"reason\":\"retry test\"}")));
        assertThat(credit.status()).isEqualTo(201);
        String body = Api.json(Map.of("receiptId", "RETRY-" + id, "member", Map.of("cardNumber", member.path("cardNumber").asString()),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 200)),
                "pointsToRedeem", 100));
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Api.Response> answers = new ArrayList<>();
        try {
            List<Callable<Api.Response>> copies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                copies.add(() -> till.post("/api/v1/purchases", body));
            }
            for (Future<Api.Response> f : pool.invokeAll(copies)) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(1);
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.toString()).isIn(200, 201, 409));
        assertThat(answers).filteredOn(a -> a.status() == 409).allSatisfy(a -> assertThat(a.code()).isEqualTo("REQUEST_IN_PROGRESS"));
        assertThat(till.get("/api/v1/members/" + id + "/account").json().path("pointsAvailable").asLong()).isZero();
    }
}
