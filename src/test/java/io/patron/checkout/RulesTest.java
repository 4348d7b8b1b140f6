package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.program.Programs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Rules in CEL: the demo's pensioner and birthday rules, best-of against tiers, exclusivity, bad conditions. */
class RulesTest extends IntegrationTest {

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    @LocalServerPort
    int port;

    @Autowired
    Programs programs;

    @Autowired
    JsonMapper json;

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
        programs.activate(original);
    }

    private String enrol(Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("email", TestData.email());
        return till.post("/api/v1/members", Api.json(body)).json().path("cardNumber").asString();
    }

    /** A moment in the last week, in Moscow, on the given weekday and hour. */
    private static OffsetDateTime last(DayOfWeek day, int hour) {
        LocalDate date = LocalDate.now(MOSCOW).minusDays(1).with(TemporalAdjusters.previousOrSame(day));
        return date.atTime(hour, 30).atZone(MOSCOW).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
    }

    private JsonNode quote(String card, OffsetDateTime at, int amount) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiptId", "RULE-" + System.nanoTime());
        if (at != null) {
            body.put("occurredAt", at.toString());
        }
        body.put("member", Map.of("cardNumber", card));
        body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", amount),
                Map.of("lineId", "2", "category", "alcohol", "quantity", 1, "unitPrice", 100)));
        Api.Response r = till.post("/api/v1/purchases/quote", Api.json(body));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void pensionersGet10PercentOnWeekdayMorningsInTheStoresTimeZone() {
        String card = enrol(Map.of("categories", List.of("PENSIONER")));
        JsonNode monday = quote(card, last(DayOfWeek.MONDAY, 10), 1000);
        assertThat(monday.path("discountTotal").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(monday.path("lines").get(1).path("discount").decimalValue()).as("alcohol gets no discount").isEqualByComparingTo("0");
        assertThat(monday.path("appliedRules").findValuesAsString("id")).contains("pensioners-weekday-mornings");
        assertThat(quote(card, last(DayOfWeek.MONDAY, 12), 1000).path("discountTotal").decimalValue()).isEqualByComparingTo("0");
        assertThat(quote(card, last(DayOfWeek.SATURDAY, 10), 1000).path("discountTotal").decimalValue()).isEqualByComparingTo("0");
        String other = enrol(Map.of());
        assertThat(quote(other, last(DayOfWeek.MONDAY, 10), 1000).path("discountTotal").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void thePensionerDiscountIsTheBestOfItAndTheTierNotTheSum() {
        String card = enrol(Map.of("categories", List.of("PENSIONER")));
        Map<String, Object> big = Map.of("receiptId", "BIG-" + System.nanoTime(), "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 3000)));
        assertThat(till.post("/api/v1/purchases", Api.json(big)).status()).isEqualTo(201);
        JsonNode saturday = quote(card, last(DayOfWeek.SATURDAY, 10), 1000);
        assertThat(saturday.path("discountTotal").decimalValue()).as("the 5 % tier alone").isEqualByComparingTo("50.00");
        JsonNode monday = quote(card, last(DayOfWeek.MONDAY, 10), 1000);
        assertThat(monday.path("discountTotal").decimalValue()).as("10 %, not 15 %").isEqualByComparingTo("100.00");
        assertThat(monday.path("appliedRules").findValuesAsString("id")).contains("pensioners-weekday-mornings").doesNotContain("tier");
    }

    @Test
    void theBirthdayWeekDoublesPoints() {
        LocalDate today = LocalDate.now(MOSCOW);
        String birthday = enrol(Map.of("birthDate", today.minusYears(40).minusDays(3).toString()));
        String notYet = enrol(Map.of("birthDate", today.minusYears(40).plusDays(3).toString()));
        assertThat(quote(birthday, null, 1000).path("pointsEarned").asLong()).isEqualTo(200);
        assertThat(quote(notYet, null, 1000).path("pointsEarned").asLong()).isEqualTo(100);
    }

    private Api.Response put(ObjectNode document) {
        return admin.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/program"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(document))));
    }

    private ObjectNode rule(String id, String condition, String type, int value, String stacking, int priority) {
        ObjectNode rule = json.createObjectNode();
        rule.put("id", id).put("name", id).put("condition", condition).put("stacking", stacking).put("priority", priority);
        rule.putObject("effect").put("type", type).put("value", value);
        return rule;
    }

    @Test
    void anExclusiveRuleStopsTheRulesAfterItAndBonusPointsAdd() {
        ObjectNode document = (ObjectNode) json.readTree(programs.documentJson(original));
        ArrayNode rules = document.putArray("rules");
        rules.add(rule("big-basket", "purchase.subtotal > 500.0", "BONUS_POINTS", 50, "EXCLUSIVE", 10));
        rules.add(rule("always", "true", "BONUS_POINTS", 30, "STACK", 1));
        assertThat(put(document).status()).isEqualTo(200);
        String card = enrol(Map.of());
        assertThat(quote(card, null, 1000).path("pointsEarned").asLong()).isEqualTo(100 + 50);
        assertThat(quote(card, null, 100).path("pointsEarned").asLong()).as("small basket: only the stacking rule").isEqualTo(10 + 30);
    }

    @Test
    void aConditionThatDoesNotCompileOrIsNotABooleanIsRefusedWithItsPlace() {
        for (String bad : List.of("purchase.subtotal >", "purchase.subtotal", "customer.age > 3")) {
            ObjectNode document = (ObjectNode) json.readTree(programs.documentJson(original));
            document.putArray("rules").add(rule("bad", bad, "BONUS_POINTS", 5, "STACK", 1));
            Api.Response r = put(document);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().path("errors").get(0).path("field").asString()).isEqualTo("rules[0].condition");
            assertThat(r.json().path("errors").get(0).path("message").asString()).isNotBlank();
        }
        assertThat(programs.active().version()).isEqualTo(original);
    }
}
