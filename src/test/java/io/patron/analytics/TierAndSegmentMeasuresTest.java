package io.patron.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The tier distribution and movements recorded day by day, the measures of one segment's members, and
 * the analytics tables as CSV — on small data worked out by hand.
 */
class TierAndSegmentMeasuresTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Analytics analytics;

    @Autowired
    TierHistory tierHistory;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private void at(String instant) {
        clock.reset();
        clock.advance(Duration.between(Instant.now(), Instant.parse(instant)));
    }

    private Api storeTill(Api admin, String prefix) {
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", prefix + System.nanoTime() % 100_000_000L, "name", "Measures",
                "timeZone", "UTC"))).json().path("id").asLong();
        tillStore = store;
        return Api.bearer(port, admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t"))).json().path("key").asString());
    }

    private long tillStore;

    private void sale(Api till, String card, int price) {
        Api.Response r = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "TS-" + System.nanoTime(),
                "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", price)))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aMemberCrossingATierThresholdIsOneMoveUpOnTheDayItIsRecorded() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        at("2043-05-10T08:00:00Z");
        Api till = storeTill(admin, "TM");
        String card = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
        // Other tests' members may change tier when first recorded at this time: a first run settles them.
        tierHistory.record();
        assertThat(tierHistory.record()).as("recorded again at once: nothing moved").isZero();
        var day = new Analytics.Period(LocalDate.parse("2043-05-10"), LocalDate.parse("2043-05-10"));
        TierHistory.Distribution before = tierHistory.distribution(day);
        assertThat(before.countedOn()).isEqualTo(LocalDate.parse("2043-05-10"));
        assertThat(before.tiers().getFirst().tier()).isEqualTo("Base");
        assertThat(before.tiers().getFirst().members()).as("the new member is counted in the lowest tier").isPositive();
        long memberId = till.get("/api/v1/members?cardNumber=" + card).json().path("items").get(0).path("id").asLong();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM tier_movements WHERE member_id = :m").param("m", memberId).query(Long.class).single())
                .as("a first recorded tier is not a move").isZero();

        sale(till, card, 2_500);
        at("2043-05-10T18:00:00Z");
        assertThat(tierHistory.record()).as("only this member moved since").isEqualTo(1);
        TierHistory.Distribution after = tierHistory.distribution(day);
        assertThat(moves(after, "Base", "5 %")).isEqualTo(moves(before, "Base", "5 %") + 1);
        assertThat(after.upgrades()).isEqualTo(before.upgrades() + 1);
        assertThat(after.downgrades()).isEqualTo(before.downgrades());
        assertThat(after.movements()).filteredOn(m -> m.from().equals("Base") && m.to().equals("5 %"))
                .allSatisfy(m -> assertThat(m.direction()).isEqualTo(TierHistory.Direction.UP));
        assertThat(after.tiers().getFirst().members()).isEqualTo(before.tiers().getFirst().members() - 1);
        assertThat(after.tiers().get(1).tier()).isEqualTo("5 %");
        assertThat(after.tiers().get(1).members()).isEqualTo(before.tiers().get(1).members() + 1);
        assertThat(jdbc.sql("SELECT from_tier || ' > ' || to_tier FROM tier_movements WHERE member_id = :m").param("m", memberId)
                .query(String.class).list()).containsExactly("Base > 5 %");
        assertThat(tierHistory.record()).as("recorded again the same day: nothing moved").isZero();

        Api.Response api = admin.get("/api/v1/analytics/tier-movements?from=2043-05-10&to=2043-05-10&format=csv");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.body()).startsWith("from,to,direction,members\n").contains("\nBase,\"5 %\",UP," + moves(after, "Base", "5 %") + "\n");
        assertThat(admin.get("/api/v1/analytics/tiers?from=2043-05-10&to=2043-05-10").json().path("upgrades").asLong()).isEqualTo(after.upgrades());
    }

    private static long moves(TierHistory.Distribution d, String from, String to) {
        return d.movements().stream().filter(m -> m.from().equals(from) && m.to().equals(to)).mapToLong(TierHistory.Movement::members).sum();
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void aSegmentsMeasuresCountOnlyItsMembersPurchases() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        at("2044-02-10T12:00:00Z");
        Api till = storeTill(admin, "SG");
        String hy = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "language", "hy"))).json().path("cardNumber").asString();
        String en = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "language", "en"))).json().path("cardNumber").asString();
        sale(till, hy, 100);
        sale(till, hy, 300);
        sale(till, en, 50);
        analytics.catchUpEverything();
        String code = "HY-" + System.nanoTime() % 1_000_000L;
        assertThat(admin.put("/api/v1/segments/" + code, Api.json(Map.of("name", "Armenian speakers",
                "definition", Map.of("languages", List.of("hy"))))).status()).isEqualTo(200);

        Api.Response r = admin.get("/api/v1/analytics/summary?from=2044-02-01&to=2044-02-29&storeId=" + tillStore + "&segment=" + code);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var c = r.json().path("current");
        assertThat(c.path("receipts").asLong()).isEqualTo(2);
        assertThat(c.path("sales").decimalValue()).isEqualByComparingTo("400.00");
        assertThat(c.path("activeMembers").asLong()).isEqualTo(1);
        assertThat(c.path("repeatMembers").asLong()).isEqualTo(1);
        assertThat(c.path("members").asLong()).as("enrolled at this store and in the segment").isEqualTo(1);
        assertThat(c.path("participation").isNull()).as("a segment has no anonymous sales").isTrue();
        Api.Response whole = admin.get("/api/v1/analytics/summary?from=2044-02-01&to=2044-02-29&storeId=" + tillStore);
        assertThat(whole.json().path("current").path("receipts").asLong()).isEqualTo(3);
        assertThat(whole.json().path("current").path("activeMembers").asLong()).isEqualTo(2);

        Api.Response unknown = admin.get("/api/v1/analytics/summary?from=2044-02-01&to=2044-02-29&segment=NO-SUCH-SEGMENT");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("field").asString()).isEqualTo("segment");
    }

    @Test
    void everyAnalyticsTableComesAsCsvWithAHeaderNamingItsColumns() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Map<String, String> headers = Map.of(
                "/api/v1/analytics/rfm?format=csv", "rfm_class,members,spend,share",
                "/api/v1/analytics/coupons?format=csv", "code,name,issued,used,rate",
                "/api/v1/analytics/draws?format=csv", "code,name,status,tickets,members",
                "/api/v1/analytics/referrers?from=2044-01-01&to=2044-02-01&format=csv", "member_id,first_name,brought,revenue",
                "/api/v1/analytics/points?from=2044-01-01&to=2044-02-01&format=csv",
                "issued,redeemed,reversed,expired,breakage_rate,liability_points,liability_money",
                "/api/v1/analytics/tiers?from=2044-01-01&to=2044-02-01&format=csv", "tier,members,previous,year_before");
        headers.forEach((url, header) -> {
            Api.Response r = admin.get(url);
            assertThat(r.status()).as(url).isEqualTo(200);
            assertThat(r.body()).as(url).startsWith(header + "\n");
        });
        assertThat(admin.get("/api/v1/analytics/feedback?from=2044-01-01&to=2044-02-01&format=csv").body()).startsWith("store_id,");
    }
}
