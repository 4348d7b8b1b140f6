package io.patron.draws;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.program.Programs;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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

/**
 * A draw from creation to verification through the API and its public page: tickets with
 * purchases, voided in proportion by returns before the freeze and never after, the frozen list and
 * its hash, the draw (once), and the published data recomputing the same winners.
 */
class DrawsTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Programs programs;

    @Autowired
    JsonMapper json;

    Api admin;
    Api till;
    Api anyone;
    int original;

    @BeforeEach
    void setUp() {
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        till = Api.bearer(port, DEMO_TILL_KEY);
        anyone = Api.anonymous(port);
        original = programs.active().version();
    }

    @AfterEach
    void restore() {
        programs.activate(original);
    }

    private String card() {
        return till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
    }

    private JsonNode buy(String card, int amount) {
        Api.Response r = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "DR-" + System.nanoTime(),
                "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", amount)))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static List<Long> numbers(JsonNode sale, String draw) {
        List<Long> numbers = new ArrayList<>();
        sale.path("drawTickets").forEach(t -> {
            if (t.path("draw").asString().equals(draw)) {
                t.path("numbers").forEach(n -> numbers.add(n.asLong()));
            }
        });
        return numbers;
    }

    @Test
    void aDrawFromTicketsToVerifiedWinners() {
        String code = "DT" + System.nanoTime() % 100_000_000L;
        OffsetDateTime now = OffsetDateTime.now();
        Api.Response created = admin.post("/api/v1/draws", Api.json(Map.of("code", code, "name", "Test draw",
                "entryFrom", now.minusHours(1).toString(), "entryTo", now.plusHours(1).toString(), "autoDraw", false,
                "prizes", List.of(Map.of("name", "Voucher", "quantity", 1, "couponCampaign", "NEXT-VISIT-100"),
                        Map.of("name", "Mug", "quantity", 2)))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        String commitment = created.json().path("commitment").asString();
        assertThat(commitment).hasSize(64);
        assertThat(created.json().path("seed").isNull()).as("the seed stays secret").isTrue();
        ObjectNode document = (ObjectNode) json.readTree(programs.documentJson(original));
        ((ArrayNode) document.get("rules")).add(json.valueToTree(Map.of("id", "test-tickets-" + code.toLowerCase(),
                "name", "A ticket per 100", "condition", "member.present == true",
                "effect", Map.of("type", "DRAW_TICKETS", "value", 1, "perAmount", 100, "draw", code), "stacking", "STACK")));
        programs.save(json.writeValueAsString(document), "draw test", true);

        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cards.add(card());
        }
        JsonNode big = buy(cards.get(0), 1000);
        assertThat(numbers(big, code)).hasSize(10);
        assertThat(big.path("messages").toString()).contains("Test draw");
        buy(cards.get(1), 300);
        buy(cards.get(2), 250);
        JsonNode late = buy(cards.get(3), 500);

        // Half of the first purchase comes back before the freeze: half its tickets are voided.
        Api.Response half = till.post("/api/v1/purchases/" + big.path("purchaseId").asLong() + "/returns",
                Api.json(Map.of("returnId", "DRR-" + System.nanoTime(), "lines", List.of(Map.of("lineId", "1", "quantity", 0.5)))));
        assertThat(half.status()).as(half.body()).isEqualTo(201);
        long memberId = big.path("member").path("id").asLong();
        JsonNode mine = admin.get("/api/v1/members/" + memberId + "/draw-tickets").json();
        assertThat(mine.get(0).path("numbers")).hasSize(5);

        JsonNode closed = admin.post("/api/v1/draws/" + id + "/close", "").json();
        assertThat(closed.path("status").asString()).isEqualTo("CLOSED");
        assertThat(closed.path("tickets").asLong()).isEqualTo(5 + 3 + 2 + 5);
        String ticketsHash = closed.path("ticketsHash").asString();
        // After the freeze a return changes nothing in the draw.
        till.post("/api/v1/purchases/" + late.path("purchaseId").asLong() + "/returns",
                Api.json(Map.of("returnId", "DRR-" + System.nanoTime(), "lines", List.of(Map.of("lineId", "1", "quantity", 1)))));
        assertThat(admin.get("/api/v1/draws/" + id).json().path("tickets").asLong()).isEqualTo(15);
        assertThat(numbers(buy(cards.get(1), 500), code)).as("no tickets once entries closed").isEmpty();

        JsonNode drawn = admin.post("/api/v1/draws/" + id + "/draw", "").json();
        assertThat(drawn.path("status").asString()).isEqualTo("DRAWN");
        assertThat(drawn.path("winners")).hasSize(3);
        assertThat(drawn.path("winners").findValuesAsString("pseudonym")).doesNotHaveDuplicates();
        assertThat(admin.post("/api/v1/draws/" + id + "/draw", "").code()).isEqualTo("ALREADY_DRAWN");
        assertThat(drawn.path("winners").get(0).path("couponCode").asString()).as("the voucher prize is a coupon")
                .startsWith("NEXT-VISIT-100-");
        assertThat(drawn.path("winners").get(1).path("couponCode").isNull()).isTrue();

        Api.Response publicJson = anyone.get("/draws/" + code + ".json");
        assertThat(publicJson.status()).isEqualTo(200);
        assertThat(publicJson.json().path("commitment").asString()).isEqualTo(commitment);
        assertThat(publicJson.json().path("ticketsHash").asString()).isEqualTo(ticketsHash);
        String list = anyone.get("/draws/" + code + "/tickets.txt").body();
        assertThat(DrawAlgorithm.parse(list)).as("pseudonymised: no member ids, 16 hex digits each")
                .allSatisfy(t -> assertThat(t.pseudonym()).matches("[0-9a-f]{16}"));
        DrawVerifier.Report report = DrawVerifier.verify(publicJson.body(), list);
        assertThat(report.ok()).as(String.join("\n", report.lines())).isTrue();
        assertThat(DrawVerifier.verify(publicJson.body(), list.substring(list.indexOf('\n') + 1)).ok()).isFalse();
        assertThat(anyone.get("/draws/" + code).body()).contains(commitment).contains(publicJson.json().path("seed").asString());

        int slot = drawn.path("winners").get(0).path("slot").asInt();
        assertThat(admin.post("/api/v1/draws/" + id + "/winners/" + slot + "/hand-over", "").status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/draws/" + id + "/winners/" + slot + "/hand-over", "").code()).isEqualTo("WINNER_NOT_FOUND");
    }

    @Test
    void onlyEligibleMembersGetTickets() {
        String code = "DE" + System.nanoTime() % 100_000_000L;
        OffsetDateTime now = OffsetDateTime.now();
        Api.Response created = admin.post("/api/v1/draws", Api.json(Map.of("code", code, "name", "Top tier draw",
                "entryFrom", now.minusHours(1).toString(), "entryTo", now.plusHours(1).toString(),
                "prizes", List.of(Map.of("name", "Prize", "quantity", 1)), "eligibility", Map.of("tiers", List.of("12 %")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String base = "DB" + System.nanoTime() % 100_000_000L;
        assertThat(admin.post("/api/v1/draws", Api.json(Map.of("code", base, "name", "Base tier draw",
                "entryFrom", now.minusHours(1).toString(), "entryTo", now.plusHours(1).toString(),
                "prizes", List.of(Map.of("name", "Prize", "quantity", 1)),
                "eligibility", Map.of("tiers", List.of("Base"), "stores", List.of("DEMO"))))).status()).isEqualTo(201);
        ObjectNode document = (ObjectNode) json.readTree(programs.documentJson(original));
        for (String draw : List.of(code, base)) {
            ((ArrayNode) document.get("rules")).add(json.valueToTree(Map.of("id", "tier-tickets-" + draw.toLowerCase(),
                    "name", "Tickets", "condition", "true", "effect", Map.of("type", "DRAW_TICKETS", "value", 1, "draw", draw),
                    "stacking", "STACK")));
        }
        programs.save(json.writeValueAsString(document), "eligibility test", true);
        JsonNode sale = buy(card(), 100);
        assertThat(numbers(sale, code)).as("a new member is on the base tier").isEmpty();
        assertThat(numbers(sale, base)).as("the base tier at the demo store may take part").hasSize(1);
    }

    @Test
    void aDrawWithEntriesStillOpenCannotBeDrawnAndBadDrawsAreRefused() {
        OffsetDateTime now = OffsetDateTime.now();
        Map<String, Object> body = new LinkedHashMap<>(Map.of("code", "DO" + System.nanoTime() % 100_000_000L, "name", "Open draw",
                "entryFrom", now.minusHours(1).toString(), "entryTo", now.plusDays(1).toString(),
                "prizes", List.of(Map.of("name", "Prize", "quantity", 1))));
        long id = admin.post("/api/v1/draws", Api.json(body)).json().path("id").asLong();
        assertThat(admin.post("/api/v1/draws/" + id + "/draw", "").code()).isEqualTo("DRAW_STILL_OPEN");
        Api.Response bad = admin.post("/api/v1/draws", Api.json(Map.of("code", "x", "entryFrom", now.toString(),
                "entryTo", now.minusDays(1).toString(), "prizes", List.of())));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").findValuesAsString("field")).contains("code", "name", "entryTo", "prizes");
        assertThat(till.post("/api/v1/draws", Api.json(body)).status()).isEqualTo(403);
    }
}
