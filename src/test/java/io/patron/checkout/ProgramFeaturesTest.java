package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.program.Programs;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The programme's features that need history, through the till API: rule budgets under concurrent
 * tills, per-member caps per day, the referral bonus and its reversal, tier downgrades with a grace
 * period, the VIP floor, and a ladder on points earned.
 */
class ProgramFeaturesTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Programs programs;

    @Autowired
    JsonMapper json;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    Api till;
    Api admin;
    int original;

    @BeforeEach
    void setUp() {
        till = Api.bearer(port, DEMO_TILL_KEY);
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        original = programs.active().version();
    }

    @AfterEach
    void restore() {
        clock.reset();
        programs.activate(original);
    }

    /** The demo programme with the given changes: no pending days, and its rules replaced. */
    private void activate(java.util.function.Consumer<ObjectNode> change) {
        ObjectNode document = (ObjectNode) json.readTree(programs.documentJson(original));
        ((ObjectNode) document.get("earning")).put("pendingDays", 0);
        document.set("rules", json.createArrayNode());
        change.accept(document);
        programs.save(json.writeValueAsString(document), "test", true);
    }

    private ObjectNode rule(String id, String condition, Map<String, Object> effect, Map<String, Object> caps) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", id);
        rule.put("name", id);
        rule.put("condition", condition);
        rule.put("effect", effect);
        rule.put("stacking", "STACK");
        if (caps != null) {
            rule.put("caps", caps);
        }
        return (ObjectNode) json.valueToTree(rule);
    }

    private JsonNode enrol(Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("email", TestData.email());
        Api.Response r = till.post("/api/v1/members", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private Api.Response commit(String card, String receipt, String amount) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiptId", receipt);
        body.put("member", Map.of("cardNumber", card));
        body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", new BigDecimal(amount))));
        return till.post("/api/v1/purchases", Api.json(body));
    }

    private JsonNode account(long memberId) {
        return admin.get("/api/v1/members/" + memberId + "/account").json();
    }

    private static String receipt() {
        return "PF-" + System.nanoTime();
    }

    @Test
    void aRuleBudgetIsNeverOverspentByConcurrentTills() throws Exception {
        String id = "budget-" + System.nanoTime() % 1_000_000_000;
        activate(d -> ((ArrayNode) d.get("rules")).add(rule(id, "true", Map.of("type", "FIXED_DISCOUNT", "value", 100),
                Map.of("budget", 250))));
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cards.add(enrol(Map.of()).path("cardNumber").asString());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (String card : cards) {
                answers.add(pool.submit(() -> commit(card, receipt(), "1000.00")));
            }
            BigDecimal given = BigDecimal.ZERO;
            for (Future<Api.Response> answer : answers) {
                Api.Response r = answer.get();
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                given = given.add(r.json().path("discountTotal").decimalValue());
            }
            assertThat(given).isEqualByComparingTo("250.00");
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT used FROM rule_budgets WHERE rule_id = :r").param("r", id).query(BigDecimal.class).single())
                .isEqualByComparingTo("250.00");
        Api.Response after = commit(cards.getFirst(), receipt(), "1000.00");
        assertThat(after.json().path("discountTotal").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void aPerMemberDailyCapCountsReceiptsPerLocalDay() {
        activate(d -> ((ArrayNode) d.get("rules")).add(rule("daily-bonus", "true", Map.of("type", "BONUS_POINTS", "value", 25),
                Map.of("perMemberPerDay", 1))));
        String card = enrol(Map.of()).path("cardNumber").asString();
        assertThat(ids(commit(card, receipt(), "100.00"))).contains("daily-bonus");
        assertThat(ids(commit(card, receipt(), "100.00"))).doesNotContain("daily-bonus");
        String other = enrol(Map.of()).path("cardNumber").asString();
        assertThat(ids(commit(other, receipt(), "100.00"))).as("another member's cap is their own").contains("daily-bonus");
        clock.advance(Duration.ofDays(1));
        assertThat(ids(commit(card, receipt(), "100.00"))).as("a new day").contains("daily-bonus");
    }

    private static List<String> ids(Api.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        List<String> ids = new ArrayList<>();
        r.json().path("appliedRules").forEach(n -> ids.add(n.path("id").asString()));
        return ids;
    }

    @Test
    void aReferralPaysBothOnTheNewcomersFirstQualifyingPurchaseOnceAndAReturnBelowTheMinimumTakesItBack() {
        activate(d -> d.set("referral", json.valueToTree(Map.of("referrerPoints", 200, "newcomerPoints", 100, "minimumPurchase", 500))));
        JsonNode referrer = enrol(Map.of());
        String code = admin.get("/api/v1/members/" + referrer.path("id").asLong()).json().path("referralCode").asString();
        JsonNode newcomer = enrol(Map.of("referralCode", code));
        String card = newcomer.path("cardNumber").asString();

        Api.Response small = commit(card, receipt(), "100.00");
        assertThat(ids(small)).as("a first purchase below the minimum").doesNotContain("referral");
        JsonNode newcomer2 = enrol(Map.of("referralCode", code));
        String card2 = newcomer2.path("cardNumber").asString();
        Api.Response first = commit(card2, receipt(), "600.00");
        assertThat(ids(first)).contains("referral");
        // The demo ladder: no discount yet; 600 / 10 = 60 points plus the newcomer's 100.
        assertThat(first.json().path("pointsEarned").asLong()).isEqualTo(160);
        assertThat(account(referrer.path("id").asLong()).path("pointsAvailable").asLong()).isEqualTo(200);
        assertThat(ids(commit(card2, receipt(), "600.00"))).as("only the first purchase").doesNotContain("referral");

        long purchaseId = first.json().path("purchaseId").asLong();
        Api.Response partial = till.post("/api/v1/purchases/" + purchaseId + "/returns",
                Api.json(Map.of("returnId", receipt(), "lines", List.of(Map.of("lineId", "1", "quantity", 0.1)))));
        assertThat(partial.status()).as(partial.body()).isEqualTo(201);
        assertThat(account(referrer.path("id").asLong()).path("pointsAvailable").asLong())
                .as("540 left, above the minimum: the referral stands").isEqualTo(200);
        Api.Response below = till.post("/api/v1/purchases/" + purchaseId + "/returns",
                Api.json(Map.of("returnId", receipt(), "lines", List.of(Map.of("lineId", "1", "quantity", 0.4)))));
        assertThat(below.status()).as(below.body()).isEqualTo(201);
        assertThat(account(referrer.path("id").asLong()).path("pointsAvailable").asLong())
                .as("300 left, below the minimum: the referral is taken back").isZero();
        Api.Response rest = till.post("/api/v1/purchases/" + purchaseId + "/returns",
                Api.json(Map.of("returnId", receipt(), "lines", List.of(Map.of("lineId", "1", "quantity", 0.5)))));
        assertThat(rest.status()).as(rest.body()).isEqualTo(201);
        assertThat(account(referrer.path("id").asLong()).path("pointsAvailable").asLong()).as("and only once").isZero();
    }

    @Test
    void aTierFallsOnlyAtAMonthStartAfterItsGraceAndAVipFloorHoldsUntilItExpires() {
        activate(d -> {
            ObjectNode tiers = (ObjectNode) d.get("tiers");
            tiers.put("basis", "SPEND_ROLLING");
            tiers.put("rollingMonths", 1);
            tiers.put("graceMonths", 1);
        });
        JsonNode member = enrol(Map.of());
        long id = member.path("id").asLong();
        commit(member.path("cardNumber").asString(), receipt(), "2500.00");
        assertThat(account(id).path("tier").path("name").asString()).isEqualTo("5 %");
        clock.advance(Duration.ofDays(62)); // two months on: outside the rolling window, inside the grace
        assertThat(account(id).path("tier").path("name").asString()).isEqualTo("5 %");
        clock.advance(Duration.ofDays(31)); // three months on: the grace is over
        assertThat(account(id).path("tier").path("name").asString()).isEqualTo("Base");

        Api.Response vip = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/members/" + id + "/tier-floor"))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Api.json(Map.of("tier", "10 %",
                        "expiresAt", java.time.OffsetDateTime.now(clock).plusDays(10).toString(), "reason", "store manager")))));
        assertThat(vip.status()).as(vip.body()).isEqualTo(200);
        assertThat(vip.json().path("tier").path("name").asString()).isEqualTo("10 %");
        assertThat(vip.json().path("tier").path("vipUntil").isNull()).isFalse();
        Api.Response quote = till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", receipt(),
                "member", Map.of("cardNumber", member.path("cardNumber").asString()),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100)))));
        assertThat(quote.json().path("discountTotal").decimalValue()).isEqualByComparingTo("10.00");
        Api.Response bad = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/members/" + id + "/tier-floor"))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Api.json(Map.of("tier", "Platinum", "expiresAt", "2020-01-01T00:00:00Z")))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").findValuesAsString("field")).containsExactlyInAnyOrder("tier", "expiresAt");
        clock.advance(Duration.ofDays(11));
        assertThat(account(id).path("tier").path("name").asString()).isEqualTo("Base");
    }

    @Test
    void withoutGraceATierFallsAtTheFirstMonthStartTheMeasureNoLongerReaches() {
        activate(d -> {
            ObjectNode tiers = (ObjectNode) d.get("tiers");
            tiers.put("basis", "SPEND_ROLLING");
            tiers.put("rollingMonths", 1);
        });
        JsonNode member = enrol(Map.of());
        commit(member.path("cardNumber").asString(), receipt(), "2500.00");
        clock.advance(Duration.ofDays(62));
        assertThat(account(member.path("id").asLong()).path("tier").path("name").asString()).isEqualTo("Base");
    }

    @Test
    void aLadderOnPointsEarnedCountsPointsAndSaysSoAtTheTill() {
        activate(d -> {
            ObjectNode tiers = (ObjectNode) d.get("tiers");
            tiers.put("basis", "POINTS_ALL_TIME");
            ArrayNode levels = (ArrayNode) tiers.get("levels");
            for (int i = 1; i < levels.size(); i++) {
                ((ObjectNode) levels.get(i)).put("threshold", 100 * i);
            }
        });
        JsonNode member = enrol(Map.of("firstName", "Anna"));
        String card = member.path("cardNumber").asString();
        commit(card, receipt(), "900.00"); // 90 points
        JsonNode account = account(member.path("id").asLong());
        assertThat(account.path("tier").path("name").asString()).isEqualTo("Base");
        assertThat(account.path("tier").path("qualifyingPoints").asLong()).isEqualTo(90);
        assertThat(account.path("nextTier").path("amountNeeded").decimalValue()).isEqualByComparingTo("10");
        Api.Response quote = till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", receipt(),
                "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100)))));
        assertThat(quote.json().path("messages").findValuesAsString("text")).anyMatch(t -> t.contains("10 more points"));
        commit(card, receipt(), "100.00");
        assertThat(account(member.path("id").asLong()).path("tier").path("name").asString()).isEqualTo("5 %");
    }
}
