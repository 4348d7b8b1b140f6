package io.patron.segments;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** RFM classes: the rule from scores to classes, and the database's scoring of members that bought. */
class RfmTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Rfm rfm;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    io.patron.MutableClock clock;

    @org.junit.jupiter.api.AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void scoresMakeClasses() {
        assertThat(Rfm.classOf(5, 5, 5)).isEqualTo(Rfm.RfmClass.CHAMPIONS);
        assertThat(Rfm.classOf(4, 4, 4)).isEqualTo(Rfm.RfmClass.CHAMPIONS);
        assertThat(Rfm.classOf(3, 5, 1)).isEqualTo(Rfm.RfmClass.LOYAL);
        assertThat(Rfm.classOf(5, 1, 3)).isEqualTo(Rfm.RfmClass.NEW);
        assertThat(Rfm.classOf(4, 2, 5)).isEqualTo(Rfm.RfmClass.PROMISING);
        assertThat(Rfm.classOf(3, 3, 3)).isEqualTo(Rfm.RfmClass.NEEDS_ATTENTION);
        assertThat(Rfm.classOf(2, 4, 4)).isEqualTo(Rfm.RfmClass.AT_RISK);
        assertThat(Rfm.classOf(1, 1, 1)).isEqualTo(Rfm.RfmClass.HIBERNATING);
        // Every combination has exactly one class, the same in Java and in the SQL.
        for (int r = 1; r <= 5; r++) {
            for (int f = 1; f <= 5; f++) {
                for (int m = 1; m <= 5; m++) {
                    assertThat(Rfm.classOf(r, f, m)).isNotNull();
                }
            }
        }
    }

    @Test
    void theBestAndTheLongGoneCustomersAreClassedAndSelectable() {
        // Two days on: today's customers are this test's, whatever other tests bought today.
        clock.advance(java.time.Duration.ofDays(2));
        OffsetDateTime now = OffsetDateTime.now(clock);
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Map<String, Long> ids = new java.util.HashMap<>();
        Map<String, String> cards = new java.util.HashMap<>();
        for (String who : List.of("best", "gone")) {
            var r = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
            ids.put(who, r.path("id").asLong());
            cards.put(who, r.path("cardNumber").asString());
        }
        for (int i = 0; i < 30; i++) {
            sale(till, cards.get("best"), 20_000, null);
        }
        // A crowd of ordinary customers (two visits this week), so that the quintiles mean something.
        for (int i = 0; i < 20; i++) {
            String card = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
            sale(till, card, 300 + i, now.minusDays(3));
            sale(till, card, 200, now.minusDays(1));
        }
        sale(till, cards.get("gone"), 10, now.minusDays(29));
        long scored = rfm.recompute();
        assertThat(scored).isGreaterThanOrEqualTo(2);
        assertThat(rfm.classOf(ids.get("best"))).contains(Rfm.RfmClass.CHAMPIONS);
        // Long gone: recency 1 or 2. Whether frequency makes it HIBERNATING or AT_RISK depends on how many
        // one-purchase members the other tests left in the database (equal values share a mid-rank score).
        assertThat(jdbc.sql("SELECT r FROM member_rfm WHERE member_id = :m").param("m", ids.get("gone")).query(Integer.class).single())
                .isLessThanOrEqualTo(2);
        assertThat(rfm.classOf(ids.get("gone"))).hasValueSatisfying(c -> assertThat(c).isIn(Rfm.RfmClass.HIBERNATING, Rfm.RfmClass.AT_RISK));
        assertThat(rfm.sizes()).hasSize(Rfm.RfmClass.values().length);
        assertThat(rfm.sizes().stream().mapToLong(Rfm.ClassSize::members).sum()).isEqualTo(scored);

        Api.Response champions = admin.post("/api/v1/segments/count", Api.json(Map.of("rfmClasses", List.of("champions"))));
        assertThat(champions.status()).as(champions.body()).isEqualTo(200);
        assertThat(champions.json().path("members").asLong()).isPositive();
        Api.Response bad = admin.post("/api/v1/segments/count", Api.json(Map.of("rfmClasses", List.of("WHALES"))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asString()).isEqualTo("definition.rfmClasses");
    }

    private static void sale(Api till, String card, int amount, OffsetDateTime at) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("receiptId", "RFM-" + System.nanoTime());
        body.put("member", Map.of("cardNumber", card));
        body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", amount)));
        if (at != null) {
            body.put("occurredAt", at.toString());
        }
        Api.Response r = till.post("/api/v1/purchases", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
}
