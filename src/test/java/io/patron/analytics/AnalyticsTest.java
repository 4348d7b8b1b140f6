package io.patron.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The measures on a tiny store worked out by hand: three members, two anonymous sales, a return,
 * over February and March; the previous period, churn, cohorts, the API and its CSV.
 */
class AnalyticsTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Analytics analytics;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private void at(String instant) {
        clock.reset();
        clock.advance(Duration.between(Instant.now(), Instant.parse(instant)));
    }

    private long sale(Api till, String card, int quantity, int price) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("receiptId", "AN-" + System.nanoTime());
        if (card != null) {
            body.put("member", Map.of("cardNumber", card));
        }
        body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", quantity, "unitPrice", price)));
        Api.Response r = till.post("/api/v1/purchases", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("purchaseId").asLong();
    }

    private String enrol(Api till) {
        return till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
    }

    @Test
    void theJobCountsARowOnlyOnceItsIdWasSeenAMinuteEarlier() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        at("2034-05-10T12:00:00Z");
        String code = "AW" + System.nanoTime() % 100_000_000L;
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", code, "name", "Watermark", "timeZone", "UTC")))
                .json().path("id").asLong();
        Api till = Api.bearer(port, admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t"))).json()
                .path("key").asString());
        analytics.catchUpEverything();
        sale(till, null, 1, 70);
        var day = new Analytics.Period(LocalDate.parse("2034-05-10"), LocalDate.parse("2034-05-10"));
        analytics.catchUp();
        assertThat(analytics.measures(day, store).receipts()).as("its id was not seen a minute ago: maybe still being written").isZero();
        clock.advance(Duration.ofMinutes(2));
        analytics.catchUp();
        assertThat(analytics.measures(day, store).receipts()).as("seen only now").isZero();
        clock.advance(Duration.ofMinutes(2));
        analytics.catchUp();
        assertThat(analytics.measures(day, store).receipts()).isEqualTo(1);
        assertThat(analytics.measures(day, store).sales()).isEqualByComparingTo("70.00");
        analytics.catchUp();
        assertThat(analytics.measures(day, store).receipts()).as("once").isEqualTo(1);
    }

    @Test
    void aBacklogLongerThanOneBatchIsTakenInByOneCatchUp() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        at("2045-06-10T12:00:00Z");
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", "AB" + System.nanoTime() % 100_000_000L, "name", "Backlog",
                "timeZone", "UTC"))).json().path("id").asLong();
        analytics.catchUpEverything();
        int n = 20_050;
        List<Object[]> rows = new java.util.ArrayList<>();
        OffsetDateTime at = OffsetDateTime.parse("2045-06-10T10:00:00Z");
        for (int i = 0; i < n; i++) {
            long id = jdbc.sql("SELECT nextval('purchase_seq')").query(Long.class).single();
            rows.add(new Object[] {id, store, "BL-" + id, at, at});
        }
        template.batchUpdate("""
                INSERT INTO purchases (id, store_id, receipt_id, member_id, occurred_at, recorded_at, program_version, currency, subtotal,
                    discount_total, points_redeemed, points_value, total, eligible_paid, points_earned, request_hash, response)
                VALUES (?, ?, ?, NULL, ?, ?, 1, 'RUB', 10, 0, 0, 0, 10, 10, 0, 'test', '{}')""", rows);
        clock.advance(Duration.ofMinutes(2));
        analytics.catchUp();
        clock.advance(Duration.ofMinutes(2));
        // Seen a minute ago and more: one call takes the whole backlog in, batch after batch.
        analytics.catchUp();
        var day = new Analytics.Period(LocalDate.parse("2045-06-10"), LocalDate.parse("2045-06-10"));
        assertThat(analytics.measures(day, store).receipts()).as("all of the backlog, not one batch of it").isEqualTo(n);
    }

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate template;

    @Test
    void referrersAreRankedByWhatTheirMembersBought() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        at("2035-07-10T12:00:00Z");
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        var referrer = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "firstName", "Vera"))).json();
        String code = admin.get("/api/v1/members/" + referrer.path("id").asLong()).json().path("referralCode").asString();
        for (int i = 0; i < 2; i++) {
            String card = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "referralCode", code))).json()
                    .path("cardNumber").asString();
            sale(till, card, 1, 100 + 50 * i);
        }
        analytics.catchUpEverything();
        var rows = admin.get("/api/v1/analytics/referrers?from=2035-07-01&to=2035-07-31").json();
        var vera = java.util.stream.StreamSupport.stream(rows.spliterator(), false)
                .filter(r -> r.path("memberId").asLong() == referrer.path("id").asLong()).findFirst().orElseThrow();
        assertThat(vera.path("brought").asLong()).isEqualTo(2);
        assertThat(vera.path("revenue").decimalValue()).isEqualByComparingTo("250.00");
        assertThat(vera.path("firstName").asString()).isEqualTo("Vera");
    }

    @Test
    void aTinyStoresMeasuresAreWhatWeWorkOutByHand() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        String code = "AN" + System.nanoTime() % 100_000_000L;
        at("2033-02-10T12:00:00Z");
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", code, "name", "Analytics", "timeZone", "UTC")))
                .json().path("id").asLong();
        Api till = Api.bearer(port, admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t"))).json()
                .path("key").asString());
        String a = enrol(till);
        String c = enrol(till);
        sale(till, a, 1, 100);
        at("2033-02-20T12:00:00Z");
        sale(till, c, 1, 80);
        at("2033-03-05T12:00:00Z");
        sale(till, a, 1, 200);
        at("2033-03-10T12:00:00Z");
        String b = enrol(till);
        long bPurchase = sale(till, b, 3, 100);
        at("2033-03-12T12:00:00Z");
        sale(till, null, 1, 40);
        Api.Response returned = till.post("/api/v1/purchases/" + bPurchase + "/returns", Api.json(Map.of("returnId", "ANR-" + System.nanoTime(),
                "lines", List.of(Map.of("lineId", "1", "quantity", 1)))));
        assertThat(returned.status()).as(returned.body()).isEqualTo(201);
        at("2033-03-15T12:00:00Z");
        sale(till, a, 1, 50);
        at("2033-03-18T12:00:00Z");
        sale(till, null, 1, 60);
        at("2033-03-20T12:00:00Z");
        analytics.catchUpEverything();
        assertThat(analytics.catchUpEverything()).as("a second catch-up finds nothing new").isZero();

        Analytics.Summary s = analytics.summary(new Analytics.Period(LocalDate.parse("2033-03-01"), LocalDate.parse("2033-03-20")), store);
        Analytics.Measures m = s.current();
        assertThat(m.receipts()).isEqualTo(5);
        assertThat(m.memberReceipts()).isEqualTo(3);
        assertThat(m.sales()).isEqualByComparingTo("650.00");
        assertThat(m.memberSales()).isEqualByComparingTo("550.00");
        assertThat(m.refunds()).isEqualByComparingTo("100.00");
        assertThat(m.participation()).isEqualByComparingTo("0.6");
        assertThat(m.averageCheck()).isEqualByComparingTo("130.00");
        assertThat(m.memberAverageCheck()).isEqualByComparingTo("183.33");
        assertThat(m.anonymousAverageCheck()).isEqualByComparingTo("50.00");
        assertThat(m.activeMembers()).as("A and B bought in March").isEqualTo(2);
        assertThat(m.frequency()).isEqualByComparingTo("1.50");
        assertThat(m.repeatMembers()).as("A bought twice").isEqualTo(1);
        assertThat(m.repeatRate()).isEqualByComparingTo("0.5");
        assertThat(m.churnedMembers()).as("C bought in February, not in March").isEqualTo(1);
        assertThat(m.members()).isEqualTo(3);
        assertThat(m.newMembers()).as("B enrolled in March").isEqualTo(1);
        // The previous 20 days: 9–28 February.
        Analytics.Measures p = s.previous();
        assertThat(p.period().from()).isEqualTo(LocalDate.parse("2033-02-09"));
        assertThat(p.receipts()).isEqualTo(2);
        assertThat(p.sales()).isEqualByComparingTo("180.00");
        assertThat(p.activeMembers()).isEqualTo(2);
        assertThat(p.newMembers()).isEqualTo(2);
        assertThat(s.yearBefore().receipts()).isZero();
        assertThat(s.yearBefore().participation()).as("no receipts: no ratio").isNull();

        List<Analytics.Cohort> cohorts = analytics.cohorts(LocalDate.parse("2033-02-01"), LocalDate.parse("2033-03-31"), store, 3);
        assertThat(cohorts).hasSize(2);
        assertThat(cohorts.get(0).month()).isEqualTo(LocalDate.parse("2033-02-01"));
        assertThat(cohorts.get(0).members()).isEqualTo(2);
        assertThat(cohorts.get(0).retained()).as("February's A and C; A again in March").startsWith(2L, 1L);
        assertThat(cohorts.get(1).members()).isEqualTo(1);
        assertThat(cohorts.get(1).retained()).startsWith(1L);

        Api.Response api = admin.get("/api/v1/analytics/summary?from=2033-03-01&to=2033-03-20&storeId=" + store);
        assertThat(api.status()).as(api.body()).isEqualTo(200);
        assertThat(api.json().path("current").path("sales").decimalValue()).isEqualByComparingTo(new BigDecimal("650.00"));
        String csv = admin.get("/api/v1/analytics/summary?from=2033-03-01&to=2033-03-20&format=csv&storeId=" + store).body();
        assertThat(csv).startsWith("measure,current,previous,year_before\n").contains("\nsales,650.00,180.00,");
        assertThat(admin.get("/api/v1/analytics/daily?from=2033-03-01&to=2033-03-20&storeId=" + store).json()).hasSize(5);
        // Points: the only ledger movements of March 2033 are this store's.
        long earned = jdbc.sql("SELECT COALESCE(SUM(points_earned), 0) FROM purchases WHERE store_id = :s AND occurred_at >= :f")
                .param("s", store).param("f", OffsetDateTime.parse("2033-03-01T00:00:00Z")).query(Long.class).single();
        long reversed = jdbc.sql("SELECT COALESCE(SUM(points_reversed), 0) FROM purchase_returns WHERE store_id = :s").param("s", store)
                .query(Long.class).single();
        assertThat(earned).isPositive();
        var points = admin.get("/api/v1/analytics/points?from=2033-03-01&to=2033-03-20").json();
        assertThat(points.path("issued").asLong()).isEqualTo(earned);
        assertThat(points.path("reversed").asLong()).isEqualTo(reversed);
        assertThat(points.path("redeemed").asLong()).isZero();
        assertThat(points.path("expired").asLong()).isZero();
        assertThat(points.path("breakageRate").decimalValue()).isEqualByComparingTo("0");
        assertThat(points.path("liabilityPoints").asLong()).isEqualTo(jdbc.sql("SELECT SUM(balance) FROM member_accounts")
                .query(Long.class).single());
        // The breakdowns: RFM classes (all seven, shares of revenue), campaigns, draws, feedback per store.
        var rfm = admin.get("/api/v1/analytics/rfm").json();
        assertThat(rfm).hasSize(7);
        assertThat(rfm.get(0).path("rfmClass").asString()).isEqualTo("CHAMPIONS");
        var campaigns = admin.get("/api/v1/analytics/coupons").json();
        assertThat(campaigns.findValuesAsString("code")).contains("NEXT-VISIT-100");
        assertThat(admin.get("/api/v1/analytics/draws").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/analytics/feedback?from=2033-03-01&to=2033-03-20").status()).isEqualTo(200);
        Api.Response bad = admin.get("/api/v1/analytics/summary?from=2033-03-20&to=2033-03-01");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asString()).isEqualTo("to");
        assertThat(Api.bearer(port, DEMO_TILL_KEY).get("/api/v1/analytics/summary?from=2033-03-01&to=2033-03-20").status())
                .as("a till reads no analytics").isEqualTo(403);
    }
}
