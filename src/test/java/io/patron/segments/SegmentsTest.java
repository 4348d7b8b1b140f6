package io.patron.segments;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.stores.Stores;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Segments evaluated in SQL: each condition on its own and together, saved and counted through the
 * API, and a coupon given to every member of a segment once.
 */
class SegmentsTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Stores stores;

    Api admin;
    Api till;
    String store;

    @BeforeEach
    void setUp() {
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        store = "SG" + System.nanoTime() % 100_000_000L;
        var created = stores.create(store, "Segment store", "Europe/Moscow");
        till = Api.bearer(port, stores.createTill(created.id(), "Till", null).key());
    }

    private JsonNode enrol(Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.put("email", TestData.email());
        Api.Response r = till.post("/api/v1/members", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private void buy(JsonNode member, int amount) {
        Api.Response r = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "SG-" + System.nanoTime(),
                "member", Map.of("cardNumber", member.path("cardNumber").asString()),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", amount)))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private long count(Map<String, Object> definition) {
        Map<String, Object> d = new LinkedHashMap<>(definition);
        d.put("stores", List.of(store));
        Api.Response r = admin.post("/api/v1/segments/count", Api.json(d));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("members").asLong();
    }

    @Test
    void eachConditionSelectsItsMembersInTheDatabase() {
        int month = LocalDate.now().getMonthValue();
        JsonNode anna = enrol(Map.of("language", "ru", "categories", List.of("PENSIONER"), "birthDate", LocalDate.now().minusYears(70).toString(),
                "consents", Map.of("emailMarketing", true)));
        JsonNode boris = enrol(Map.of("language", "ru"));
        String code = admin.get("/api/v1/members/" + anna.path("id").asLong()).json().path("referralCode").asString();
        enrol(Map.of("language", "en", "referralCode", code));
        JsonNode dana = enrol(Map.of("language", "hy", "categories", List.of("STUDENT")));
        enrol(Map.of("language", "ro"));
        buy(anna, 600);
        buy(anna, 700);
        buy(dana, 100);

        assertThat(count(Map.of())).isEqualTo(5);
        assertThat(count(Map.of("languages", List.of("ru")))).isEqualTo(2);
        assertThat(count(Map.of("languages", List.of("ru"), "categories", List.of("PENSIONER")))).isEqualTo(1);
        assertThat(count(Map.of("categories", List.of("PENSIONER", "STUDENT")))).isEqualTo(2);
        assertThat(count(Map.of("emailConsent", true))).isEqualTo(1);
        assertThat(count(Map.of("purchasedEver", false))).isEqualTo(3);
        assertThat(count(Map.of("windowDays", 30, "purchasesMin", 2))).isEqualTo(1);
        assertThat(count(Map.of("windowDays", 30, "spendMin", 1000))).isEqualTo(1);
        assertThat(count(Map.of("windowDays", 30, "spendMax", 150, "purchasesMin", 1))).isEqualTo(1);
        assertThat(count(Map.of("lastPurchaseDaysMax", 1))).isEqualTo(2);
        assertThat(count(Map.of("birthMonths", List.of(month)))).isEqualTo(1);
        assertThat(count(Map.of("referralsMin", 1))).isEqualTo(1);
        assertThat(count(Map.of("enrolledDaysMin", 1))).as("everyone enrolled today").isZero();
        assertThat(boris.path("id").asLong()).isPositive();

        Api.Response bad = admin.post("/api/v1/segments/count", Api.json(Map.of("languages", List.of("de"), "birthMonths", List.of(13))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("definition.languages", "definition.birthMonths");
    }

    @Test
    void tiersFollowTheLaddersMeasure() {
        JsonNode big = enrol(Map.of());
        JsonNode small = enrol(Map.of());
        buy(big, 2500);
        buy(small, 100);
        assertThat(count(Map.of("tiers", List.of("5 %")))).isEqualTo(1);
        assertThat(count(Map.of("tiers", List.of("Base")))).isEqualTo(1);
        assertThat(count(Map.of("tiers", List.of("Base", "5 %")))).isEqualTo(2);
        Api.Response bad = admin.post("/api/v1/segments/count", Api.json(Map.of("tiers", List.of("Platinum"))));
        assertThat(bad.json().path("errors").findValuesAsString("field")).containsExactly("definition.tiers");
    }

    @Autowired
    io.patron.program.Programs programs;

    @Autowired
    tools.jackson.databind.json.JsonMapper json;

    @Test
    void rulesSeeTheSegmentsOfTheMember() {
        JsonNode ro = enrol(Map.of("language", "ro"));
        JsonNode en = enrol(Map.of("language", "en"));
        String code = "RS-" + store;
        admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/segments/" + code))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Api.json(Map.of(
                        "name", "Romanian", "definition", Map.of("languages", List.of("ro"), "stores", List.of(store)))))));
        int before = programs.active().version();
        var document = (tools.jackson.databind.node.ObjectNode) json.readTree(programs.documentJson(before));
        ((tools.jackson.databind.node.ArrayNode) document.get("rules")).add(json.valueToTree(Map.of("id", "seg-" + store.toLowerCase(),
                "name", "Segment bonus", "condition", "'" + code + "' in member.segments",
                "effect", Map.of("type", "BONUS_POINTS", "value", 50), "stacking", "STACK")));
        programs.save(json.writeValueAsString(document), "segment rule", true);
        try {
            for (JsonNode member : List.of(ro, en)) {
                JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "SQ-" + System.nanoTime(),
                        "member", Map.of("cardNumber", member.path("cardNumber").asString()),
                        "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100))))).json();
                assertThat(quote.path("appliedRules").findValuesAsString("id").contains("seg-" + store.toLowerCase()))
                        .isEqualTo(member == ro);
            }
        } finally {
            programs.activate(before);
        }
    }

    @Test
    void aSavedSegmentIsCountedListedAndGetsACouponEachOnce() {
        for (int i = 0; i < 3; i++) {
            enrol(Map.of("language", "ro"));
        }
        enrol(Map.of("language", "en"));
        String code = "RO-" + store;
        Api.Response saved = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + port + "/api/v1/segments/" + code)).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Api.json(Map.of("name", "Romanian speakers",
                        "definition", Map.of("languages", List.of("ro"), "stores", List.of(store)))))));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        assertThat(admin.get("/api/v1/segments/" + code).json().path("members").asLong()).isEqualTo(3);
        assertThat(admin.get("/api/v1/segments/" + code + "/members?size=2").json().path("items")).hasSize(2);

        Api.Response campaign = admin.post("/api/v1/coupon-campaigns", Api.json(Map.of("code", "SEG-" + store, "name", "Segment gift",
                "effectType", "FIXED_DISCOUNT", "effectValue", new BigDecimal("30"), "validDays", 10)));
        long id = campaign.json().path("campaign").path("id").asLong();
        JsonNode first = admin.post("/api/v1/coupon-campaigns/" + id + "/issue-to-segment", Api.json(Map.of("segmentCode", code))).json();
        assertThat(first.path("members").asLong()).isEqualTo(3);
        assertThat(first.path("issued").asLong()).isEqualTo(3);
        JsonNode again = admin.post("/api/v1/coupon-campaigns/" + id + "/issue-to-segment", Api.json(Map.of("segmentCode", code))).json();
        assertThat(again.path("issued").asLong()).as("members holding an unused one are skipped").isZero();
        assertThat(admin.get("/api/v1/coupon-campaigns/" + id).json().path("issued").asLong()).isEqualTo(3);
    }
}
