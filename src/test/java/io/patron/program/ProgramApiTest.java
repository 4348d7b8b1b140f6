package io.patron.program;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The programme as a versioned document: replace, draft, activate, roll back, compare, refuse bad ones. */
class ProgramApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Programs programs;

    @Autowired
    JsonMapper json;

    Api admin;
    int original;

    @BeforeEach
    void remember() {
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        original = programs.active().version();
    }

    @AfterEach
    void restore() {
        programs.activate(original);
    }

    private Api.Response put(String path, String body) {
        return admin.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private ObjectNode current() {
        Api.Response r = admin.get("/api/v1/program");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Program-Version")).contains(String.valueOf(programs.active().version()));
        return (ObjectNode) r.json();
    }

    private long pointsFor1000(String card) {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        return till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "Q-" + System.nanoTime(),
                "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 1000))))).json()
                .path("pointsEarned").asLong();
    }

    @Test
    void aReplacedProgrammeIsANewVersionThatPricesTheNextSaleAndCanBeRolledBack() {
        String card = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", TestData.email())))
                .json().path("cardNumber").asString();
        assertThat(pointsFor1000(card)).isEqualTo(100);
        ObjectNode document = current();
        ((ObjectNode) document.path("earning")).put("points", 2);
        Api.Response saved = put("/api/v1/program?comment=double%20points", json.writeValueAsString(document));
        assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
        int doubled = saved.json().path("version").asInt();
        assertThat(doubled).isGreaterThan(original);
        assertThat(saved.json().path("status").asString()).isEqualTo("ACTIVE");
        assertThat(saved.json().path("comment").asString()).isEqualTo("double points");
        assertThat(pointsFor1000(card)).isEqualTo(200);

        JsonNode diff = admin.get("/api/v1/program/diff?from=" + original + "&to=" + doubled).json();
        assertThat(diff.size()).isEqualTo(1);
        assertThat(diff.get(0).path("path").asString()).isEqualTo("earning.points");
        assertThat(diff.get(0).path("from").asString()).isEqualTo("1");
        assertThat(diff.get(0).path("to").asString()).isEqualTo("2");

        Api.Response rollBack = admin.post("/api/v1/program/versions/" + original + "/activate", "");
        assertThat(rollBack.json().path("status").asString()).isEqualTo("ACTIVE");
        assertThat(pointsFor1000(card)).isEqualTo(100);
        JsonNode versions = admin.get("/api/v1/program/versions").json();
        assertThat(versions.path("items").findValuesAsString("status")).contains("ACTIVE", "RETIRED");
    }

    @Test
    void aDraftWaitsBesideTheActiveVersionUntilActivated() {
        ObjectNode document = current();
        document.put("name", "Autumn draft");
        Api.Response draft = put("/api/v1/program?draft=true", json.writeValueAsString(document));
        assertThat(draft.json().path("status").asString()).isEqualTo("DRAFT");
        int version = draft.json().path("version").asInt();
        assertThat(current().path("name").asString()).isNotEqualTo("Autumn draft");
        assertThat(admin.get("/api/v1/program/versions/" + version).json().path("name").asString()).isEqualTo("Autumn draft");
        admin.post("/api/v1/program/versions/" + version + "/activate", "");
        assertThat(current().path("name").asString()).isEqualTo("Autumn draft");
    }

    @Test
    void badDocumentsAreRefusedWithThePathOfTheOffendingField() {
        String good = json.writeValueAsString(current());
        Map<String, String> cases = Map.of(
                good.replaceFirst("\"points\"", "\"bogus\":1,\"points\""), "earning.bogus",
                good.replaceFirst("\"points\" ?: ?1", "\"points\":-5"), "earning.points",
                good.replaceFirst("\"DOWN\"", "\"SIDEWAYS\""), "earning.rounding",
                good.replaceFirst("\"maxShare\" ?: ?0\\.5", "\"maxShare\":1.5"), "redemption.maxShare",
                good.replaceFirst("\"Europe/Moscow\"", "\"Mars/Olympus\""), "timeZone",
                good.replaceFirst("\"RUB\"", "\"RUBLE\""), "currency",
                "{not json", "document");
        int before = programs.versions(new io.patron.common.PageRequest(0, 1)).items().getFirst().version();
        cases.forEach((document, field) -> {
            Api.Response r = put("/api/v1/program", document);
            assertThat(r.status()).as(document).isEqualTo(400);
            assertThat(r.json().path("errors").findValuesAsString("field")).as(document).contains(field);
        });
        assertThat(programs.versions(new io.patron.common.PageRequest(0, 1)).items().getFirst().version())
                .as("nothing was stored").isEqualTo(before);
    }

    @Test
    void theSchemaIsPublishedAndOnlyMarketersAndAdminsChangeTheProgramme() {
        Api.Response schema = admin.get("/api/v1/program/schema");
        assertThat(schema.status()).isEqualTo(200);
        assertThat(schema.json().path("$schema").asString()).contains("json-schema.org");
        assertThat(Api.bearer(port, DEMO_TILL_KEY).get("/api/v1/program").status()).isEqualTo(403);
        assertThat(Api.anonymous(port).get("/api/v1/program").status()).isEqualTo(401);
    }
}
