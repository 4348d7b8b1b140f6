package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.checkout.internal.CashierPrompts;
import io.patron.feedback.Feedback;
import io.patron.members.MemberId;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cashier's prompts on a quote: every kind a member can earn at once, most important first, short
 * enough for a till display, in each of the four languages; and only the kinds the programme wants.
 */
class CashierPromptsTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Feedback feedback;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static final List<String> ALL = List.of("GREETING", "BIRTHDAY", "VIP", "COUPONS_WAITING", "NEXT_TIER", "POINTS_EXPIRING", "SURVEY",
            "BALANCE");

    /** A member who has a reason for every prompt: birthday today, VIP, a coupon, expiring points, an open survey. */
    private String memberWithEverything(Api admin, Api till, String language) {
        JsonNode m = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "firstName", "Anastasia-Alexandra",
                "language", language, "birthDate", LocalDate.now(clock).minusYears(30).toString()))).json();
        long id = m.path("id").asLong();
        String card = m.path("cardNumber").asString();
        // Points earned eleven and a half months ago: they expire within 30 days.
        clock.advance(Duration.ofDays(-350));
        Api.Response sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "CP-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 300)))));
        assertThat(sale.status()).as(sale.body()).isEqualTo(201);
        clock.advance(Duration.ofDays(350));
        assertThat(admin.put("/api/v1/members/" + id + "/tier-floor", Api.json(Map.of("tier", "7 %", "expiresAt",
                java.time.OffsetDateTime.now(clock).plusDays(30).toString(), "reason", "test"))).status()).isEqualTo(200);
        long campaign = admin.post("/api/v1/coupon-campaigns", Api.json(Map.of("code", "CP" + Long.toString(System.nanoTime() % 1_000_000_000L, 36)
                .toUpperCase(), "name", "Prompt", "effectType", "FIXED_DISCOUNT", "effectValue", 50))).json().path("campaign").path("id").asLong();
        assertThat(admin.post("/api/v1/coupon-campaigns/" + campaign + "/issue", Api.json(Map.of("memberId", id))).status()).isEqualTo(201);
        feedback.invite(new MemberId(id), Feedback.Kind.NPS, null, null);
        return card;
    }

    private static List<JsonNode> cashier(Api till, String card) {
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "CQ-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 10))))).json();
        return quote.path("messages").valueStream().filter(m -> "CASHIER".equals(m.path("audience").asString())).toList();
    }

    @Test
    void everyPromptComesInOrderOfImportanceShortEnoughAndInTheMembersLanguage() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        java.util.Set<String> greetings = new java.util.HashSet<>();
        for (String language : List.of("en", "ru", "ro", "hy")) {
            String card = memberWithEverything(admin, till, language);
            List<JsonNode> prompts = cashier(till, card);
            assertThat(prompts.stream().map(p -> p.path("kind").asString()).toList()).as(language).isEqualTo(ALL);
            for (JsonNode p : prompts) {
                String text = p.path("text").asString();
                assertThat(text.length()).as("%s %s: %s", language, p.path("kind").asString(), text).isLessThanOrEqualTo(CashierPrompts.PROMPT_CHARS_MAX);
                assertThat(text).as(language).doesNotContain("??").doesNotContain("{0}");
            }
            greetings.add(prompts.getFirst().path("text").asString());
        }
        assertThat(greetings).as("a greeting per language").hasSize(4);
    }

    @Test
    void aChainChoosesWhichPromptsItsTillsShow() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        String card = memberWithEverything(admin, till, "en");
        int original = Integer.parseInt(admin.get("/api/v1/program").raw().headers().firstValue("Program-Version").orElseThrow());
        ObjectNode document = (ObjectNode) admin.get("/api/v1/program").json();
        document.set("till", Api.JSON.readTree("{\"prompts\": [\"SURVEY\", \"GREETING\"]}"));
        assertThat(admin.put("/api/v1/program", document.toString()).status()).isEqualTo(200);
        try {
            assertThat(cashier(till, card).stream().map(p -> p.path("kind").asString()).toList()).containsExactly("GREETING", "SURVEY");
            document.set("till", Api.JSON.readTree("{\"prompts\": [\"NOT_A_PROMPT\"]}"));
            Api.Response bad = admin.put("/api/v1/program", document.toString());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("errors").get(0).path("field").asString()).startsWith("till.prompts");
        } finally {
            admin.post("/api/v1/program/versions/" + original + "/activate", "");
        }
    }
}
