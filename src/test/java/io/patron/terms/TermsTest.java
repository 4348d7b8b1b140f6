package io.patron.terms;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The terms come from the programme itself: a new programme version changes them at once, in every
 * language, with a history entry; and baskets priced with nothing but the numbers the terms publish
 * cost and earn exactly what the till's quote says.
 */
class TermsTest extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void theTermsFollowTheProgrammeAndPriceBasketsAsTheTillDoes() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        int original = Integer.parseInt(admin.get("/api/v1/program").raw().headers().firstValue("Program-Version").orElseThrow());
        ObjectNode document = (ObjectNode) admin.get("/api/v1/program").json();
        ObjectNode earning = (ObjectNode) document.path("earning");
        earning.put("points", 3).put("perAmount", 20).put("pendingDays", 7).put("expiryMonths", 6);
        document.set("tiers", JSON.readTree("""
                {"basis": "SPEND_ALL_TIME", "levels": [
                  {"name": "Base", "threshold": 0, "discountPercent": 0, "earnMultiplier": 1, "perks": ""},
                  {"name": "Silver", "threshold": 1000, "discountPercent": 4, "earnMultiplier": 2, "perks": "4 %"},
                  {"name": "Gold", "threshold": 5000, "discountPercent": 8, "earnMultiplier": 3, "perks": "8 %"}]}"""));
        document.set("rules", JSON.readTree("""
                [{"id": "never", "name": "Never", "names": {"ru": "Никогда"}, "condition": "false",
                  "effect": {"type": "PERCENT_DISCOUNT", "value": 50}, "stacking": "STACK"},
                 {"id": "over", "name": "Over", "condition": "true", "schedule": {"from": "2001-01-01", "to": "2001-01-31"},
                  "effect": {"type": "BONUS_POINTS", "value": 5}, "stacking": "STACK"}]"""));
        Api.Response saved = admin.put("/api/v1/program?comment=terms%20test", document.toString());
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        int version = saved.json().path("version").asInt();
        try {
            Api anyone = Api.anonymous(port);
            JsonNode en = anyone.get("/api/v1/terms?language=en").json();
            assertThat(en.path("terms").path("version").asInt()).isEqualTo(version);
            assertThat(en.path("terms").path("earning").path("points").asLong()).isEqualTo(3);
            List<String> sentences = sentences(en);
            assertThat(sentences).contains("Points become available 7 days after the purchase; a return in that time takes them back.")
                    .anyMatch(s -> s.startsWith("You earn 3 point(s) for every 20"))
                    .anyMatch(s -> s.startsWith("Never: 50 % off"))
                    .noneMatch(s -> s.startsWith("Over:"));
            assertThat(sentences(anyone.get("/api/v1/terms?language=ru").json())).anyMatch(s -> s.startsWith("Никогда: скидка 50 %"))
                    .contains("Баллы становятся доступны через 7 дн. после покупки; возврат за это время их отменяет.");
            for (String lang : List.of("en", "ru", "ro", "hy")) {
                Api.Response page = anyone.get("/terms?lang=" + lang);
                assertThat(page.status()).as(lang).isEqualTo(200);
                assertThat(page.body()).as(lang).contains("id=\"terms-earning\"").contains("id=\"terms-tiers\"").doesNotContain("??");
            }
            JsonNode history = anyone.get("/api/v1/terms/history?language=en").json();
            assertThat(history.get(0).path("version").asInt()).isEqualTo(version);
            assertThat(history.get(0).path("comment").asString()).isEqualTo("terms test");
            assertThat(history.get(0).path("added").valueStream().map(JsonNode::asString)).anyMatch(s -> s.startsWith("You earn 3 point(s)"));
            assertThat(history.get(0).path("removed").valueStream().map(JsonNode::asString)).anyMatch(s -> s.startsWith("You earn "))
                    .noneMatch(s -> s.startsWith("You earn 3 point(s)"));
            assertThat(anyone.get("/terms/history?lang=hy").status()).isEqualTo(200);

            // Baskets priced from the published numbers alone, against the till.
            JsonNode terms = en.path("terms");
            Api till = Api.bearer(port, DEMO_TILL_KEY);
            String card = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
            List<Map<String, Object>> basket = List.of(line("1", "home", 3, "123.45"), line("2", "alcohol", 1, "500.00"),
                    line("3", "food", 2, "61.17"));
            checkQuote(till, card, basket, terms, BigDecimal.ZERO);
            Api.Response sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "TT-" + System.nanoTime(),
                    "member", Map.of("cardNumber", card), "lines", List.of(line("1", "home", 1, "1200.00")))));
            assertThat(sale.status()).as(sale.body()).isEqualTo(201);
            checkQuote(till, card, basket, terms, new BigDecimal("1200.00"));
        } finally {
            admin.post("/api/v1/program/versions/" + original + "/activate", "");
        }
    }

    private static Map<String, Object> line(String id, String category, int quantity, String price) {
        return Map.of("lineId", id, "category", category, "quantity", quantity, "unitPrice", new BigDecimal(price));
    }

    private static List<String> sentences(JsonNode document) {
        List<String> all = new ArrayList<>();
        document.path("sections").forEach(s -> s.path("sentences").forEach(x -> all.add(x.asString())));
        return all;
    }

    /** The tier the terms give for a qualifying spend, its discount on the lines not excluded, and the points on the money paid. */
    private static void checkQuote(Api till, String card, List<Map<String, Object>> basket, JsonNode terms, BigDecimal spend) {
        JsonNode tier = null;
        for (JsonNode level : terms.path("tiers").path("levels")) {
            if (spend.compareTo(level.path("threshold").decimalValue()) >= 0) {
                tier = level;
            }
        }
        List<String> excluded = terms.path("earning").path("excludedCategories").valueStream().map(JsonNode::asString).toList();
        BigDecimal discount = BigDecimal.ZERO;
        BigDecimal paidEligible = BigDecimal.ZERO;
        for (Map<String, Object> l : basket) {
            BigDecimal amount = ((BigDecimal) l.get("unitPrice")).multiply(BigDecimal.valueOf((Integer) l.get("quantity")));
            if (excluded.contains(l.get("category"))) {
                continue;
            }
            BigDecimal off = amount.multiply(tier.path("discountPercent").decimalValue()).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
            discount = discount.add(off);
            paidEligible = paidEligible.add(amount.subtract(off));
        }
        long points = paidEligible.multiply(BigDecimal.valueOf(terms.path("earning").path("points").asLong()))
                .multiply(tier.path("earnMultiplier").decimalValue())
                .divide(terms.path("earning").path("perAmount").decimalValue(), 0, RoundingMode.valueOf(terms.path("earning").path("rounding").asString()))
                .longValueExact();
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "TQ-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "lines", basket))).json();
        assertThat(quote.path("discountTotal").decimalValue()).as("tier %s: %s", tier.path("name").asString(), quote)
                .isEqualByComparingTo(discount);
        assertThat(quote.path("pointsEarned").asLong()).as("tier %s: %s", tier.path("name").asString(), quote).isEqualTo(points);
        assertThat(points).isPositive();
    }
}
