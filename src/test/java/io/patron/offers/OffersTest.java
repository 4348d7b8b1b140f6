package io.patron.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Personal offers on a small history made by hand: a coffee lover, a tea lover, a regular who stopped
 * coming and a one-time visitor. Their profiles name the expected favourites and rhythms; a batch finds
 * the expected members with the expected cost, and once approved each gets a coupon that takes off
 * their category only, and a mail if they agreed to marketing.
 */
class OffersTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Offers offers;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private void at(LocalDate day) {
        clock.reset();
        clock.advance(Duration.between(Instant.now(), day.atTime(11, 0).toInstant(java.time.ZoneOffset.UTC)));
    }

    private static Map<String, Object> line(String id, String category, int price) {
        return Map.of("lineId", id, "category", category, "quantity", 1, "unitPrice", price);
    }

    private static void buy(Api till, String card, List<Map<String, Object>> lines) {
        Api.Response r = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "OF-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "lines", lines)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void profilesFromAHandMadeHistoryGiveTheExpectedOffersAndApprovedOnesReachTheMembers() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        LocalDate today = LocalDate.of(2046, 3, 1);
        at(today.minusDays(120));
        String code = "OF" + System.nanoTime() % 100_000_000L;
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", code, "name", "Offers", "timeZone", "UTC"))).json().path("id").asLong();
        Api till = Api.bearer(port, admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t"))).json().path("key").asString());
        JsonNode coffee = enrol(till, "Kofi", true);
        JsonNode tea = enrol(till, "Tea", false);
        JsonNode gone = enrol(till, "Gone", true);
        JsonNode once = enrol(till, "Once", true);
        for (int week = 0; week < 10; week++) {
            at(today.minusDays(70 - 7L * week));
            buy(till, coffee.path("cardNumber").asString(), List.of(line("1", "coffee", 150), line("2", "bread", 25)));
        }
        for (int i = 0; i < 6; i++) {
            at(today.minusDays(60 - 10L * i));
            buy(till, tea.path("cardNumber").asString(), List.of(line("1", "tea", 200), line("2", "coffee", 20)));
        }
        for (int week = 0; week < 6; week++) {
            at(today.minusDays(120 - 7L * week));
            buy(till, gone.path("cardNumber").asString(), List.of(line("1", "bread", 100), line("2", "milk", 100)));
        }
        at(today.minusDays(5));
        buy(till, once.path("cardNumber").asString(), List.of(line("1", "coffee", 80)));
        at(today);
        offers.computeProfiles();

        Offers.Profile k = offers.profile(coffee.path("id").asLong()).orElseThrow();
        assertThat(k.favouriteCategory()).isEqualTo("coffee");
        assertThat(k.favouriteShare()).isEqualByComparingTo("0.8571");
        assertThat(k.favouritePerVisit()).isEqualByComparingTo("150.00");
        assertThat(k.visits()).isEqualTo(10);
        assertThat(k.averageBasket()).isEqualByComparingTo("175.00");
        assertThat(k.rhythmDays()).isEqualByComparingTo("7.0");
        Offers.Profile t = offers.profile(tea.path("id").asLong()).orElseThrow();
        assertThat(t.favouriteCategory()).isEqualTo("tea");
        assertThat(t.rhythmDays()).isEqualByComparingTo("10.0");
        Offers.Profile g = offers.profile(gone.path("id").asLong()).orElseThrow();
        assertThat(g.favouriteCategory()).as("equal spend: the first by name").isEqualTo("bread");
        assertThat(g.favouriteShare()).isEqualByComparingTo("0.5");
        assertThat(offers.profile(once.path("id").asLong()).orElseThrow().rhythmDays()).as("one visit: no rhythm").isNull();

        String segment = code;
        admin.put("/api/v1/segments/" + segment, Api.json(Map.of("name", "Offers " + code, "definition", Map.of("stores", List.of(code)))));
        // "Your usual category": the coffee and tea lovers (share at least 60 %, two visits or more).
        Api.Response proposed = admin.post("/api/v1/offers", Api.json(Map.of("kind", "FAVOURITE_CATEGORY", "name", "Usual " + code,
                "percent", 15, "validDays", 30, "minShare", 0.6, "minVisits", 2, "holdoutPercent", 0, "segment", segment)));
        assertThat(proposed.status()).as(proposed.body()).isEqualTo(201);
        JsonNode batch = proposed.json().path("batch");
        long id = batch.path("id").asLong();
        assertThat(batch.path("candidates").asLong()).isEqualTo(2);
        assertThat(batch.path("treated").asLong()).isEqualTo(2);
        // Kofi: 15 % of 150 a visit, sure to come in 30 days at a 7-day rhythm; the tea lover: 15 % of 200, also within 30 days.
        assertThat(batch.path("expectedCost").decimalValue()).isEqualByComparingTo("52.50");
        assertThat(proposed.json().path("categories").valueStream().map(c -> c.path("category").asString()).toList())
                .containsExactlyInAnyOrder("coffee", "tea");
        assertThat(proposed.json().path("sample")).hasSize(2);

        assertThat(admin.post("/api/v1/offers/" + id + "/approve", "").json().path("status").asString()).isEqualTo("APPROVED");
        assertThat(admin.post("/api/v1/offers/" + id + "/approve", "").status()).as("once").isEqualTo(409);
        assertThat(offers.deliverDue()).isEqualTo(2);
        assertThat(offers.deliverDue()).as("each member once").isZero();
        String kofiCoupon = jdbc.sql("SELECT coupon_code FROM offer_candidates WHERE batch_id = :b AND member_id = :m")
                .param("b", id).param("m", coffee.path("id").asLong()).query(String.class).single();
        assertThat(admin.get("/api/v1/members/" + coffee.path("id").asLong() + "/coupons").body()).contains(kofiCoupon);
        List<String> mailed = jdbc.sql("SELECT member_id FROM mail_outbox WHERE kind = 'offer-favourite' AND member_id IN (:m)")
                .param("m", List.of(coffee.path("id").asLong(), tea.path("id").asLong())).query(String.class).list();
        assertThat(mailed).as("only the member who agreed to marketing mail").containsExactly(coffee.path("id").asString());
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "OQ-" + System.nanoTime(),
                "member", Map.of("cardNumber", coffee.path("cardNumber").asString()), "couponCodes", List.of(kofiCoupon),
                "lines", List.of(line("1", "coffee", 100), line("2", "bread", 100))))).json();
        assertThat(quote.path("coupons").get(0).path("status").asString()).as(quote.toString()).isEqualTo("APPLIED");
        assertThat(quote.path("lines").get(0).path("discount").decimalValue()).isEqualByComparingTo("15.00");
        assertThat(quote.path("lines").get(1).path("discount").decimalValue()).as("not on bread").isEqualByComparingTo("0.00");
        assertThat(admin.get("/api/v1/analytics/uplift/offers/" + id).json().path("verdict").asString()).isEqualTo("NO_CONTROL_GROUP");

        // "We have not seen you": the regular who stopped coming six weeks and more ago, well past their weekly rhythm.
        JsonNode winBack = admin.post("/api/v1/offers", Api.json(Map.of("kind", "WIN_BACK", "name", "Back " + code, "amount", 200,
                "lapsedDays", 42, "segment", segment, "holdoutPercent", 0))).json();
        assertThat(winBack.path("sample").valueStream().map(s -> s.path("memberId").asLong()).toList()).containsExactly(gone.path("id").asLong());
        assertThat(admin.post("/api/v1/offers/" + winBack.path("batch").path("id").asLong() + "/discard", "").json().path("status").asString())
                .isEqualTo("DISCARDED");

        // A member of the programme-wide hold-out is never proposed; a batch's own hold-out gets no coupon.
        jdbc.sql("INSERT INTO programme_holdout (member_id, assigned_at) VALUES (:m, CURRENT_TIMESTAMP)").param("m", coffee.path("id").asLong())
                .update();
        JsonNode again = admin.post("/api/v1/offers", Api.json(Map.of("kind", "FAVOURITE_CATEGORY", "name", "Again " + code,
                "percent", 10, "minShare", 0.6, "segment", segment, "holdoutPercent", 50))).json().path("batch");
        assertThat(again.path("candidates").asLong()).isEqualTo(1);
        long againId = again.path("id").asLong();
        admin.post("/api/v1/offers/" + againId + "/approve", "");
        offers.deliverDue();
        long coupons = jdbc.sql("SELECT COUNT(*) FROM offer_candidates WHERE batch_id = :b AND coupon_code IS NOT NULL").param("b", againId)
                .query(Long.class).single();
        assertThat(coupons).isEqualTo(again.path("treated").asLong());

        Api.Response bad = admin.post("/api/v1/offers", Api.json(Map.of("kind", "FAVOURITE_CATEGORY", "name", "No percent")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asString()).isEqualTo("percent");
        assertThat(Api.bearer(port, DEMO_TILL_KEY).get("/api/v1/offers").status()).as("not for tills").isEqualTo(403);
    }

    private static JsonNode enrol(Api till, String name, boolean consent) {
        return till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "firstName", name,
                "consents", Map.of("emailMarketing", consent)))).json();
    }

    @Test
    void theExpectedCostIsTheDiscountOnTheUsualSpendTimesTheChanceOfAVisit() {
        var proposal = new Offers.Proposal(Offers.Kind.FAVOURITE_CATEGORY, "x", new BigDecimal("10"), null, 14, BigDecimal.ZERO, 1, 42, 0, null);
        var weekly = new Offers.Profile(1, "coffee", BigDecimal.ONE, new BigDecimal("250.00"), 5, BigDecimal.ONE, BigDecimal.ONE,
                new BigDecimal("7.0"), null);
        var monthly = new Offers.Profile(2, "coffee", BigDecimal.ONE, new BigDecimal("250.00"), 5, BigDecimal.ONE, BigDecimal.ONE,
                new BigDecimal("28.0"), null);
        var once = new Offers.Profile(3, "coffee", BigDecimal.ONE, new BigDecimal("250.00"), 1, BigDecimal.ONE, BigDecimal.ONE, null, null);
        assertThat(Offers.expectedCost(proposal, weekly)).isEqualByComparingTo("25.00");
        assertThat(Offers.expectedCost(proposal, monthly)).as("every 28 days, 14 days to use it: half a chance").isEqualByComparingTo("12.50");
        assertThat(Offers.expectedCost(proposal, once)).isEqualByComparingTo("12.50");
        List<Boolean> held = new ArrayList<>();
        for (long m = 1; m <= 2_000; m++) {
            held.add(Offers.heldOut(7, m, 20));
        }
        // 2,000 draws of a 20 % chance: outside 320..480 far less than once in a million (and the hash of fixed ids never changes).
        assertThat(held.stream().filter(h -> h).count()).isBetween(320L, 480L);
    }
}
