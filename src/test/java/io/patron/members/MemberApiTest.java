package io.patron.members;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

class MemberApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    Api till;
    Api support;

    @BeforeEach
    void clients() {
        till = Api.bearer(port, DEMO_TILL_KEY);
        support = Api.basic(port, "admin", ADMIN_PASSWORD);
    }

    private JsonNode enrol(Map<String, Object> body) {
        Api.Response r = till.post("/api/v1/members", Api.json(body));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    @Test
    void aTillEnrolsAMemberWithAGeneratedCard() {
        String email = TestData.email();
        JsonNode member = enrol(Map.of("email", email, "phone", "8" + TestData.phone().substring(2), "firstName", "Anna",
                "language", "ru", "categories", List.of("PENSIONER"), "consents", Map.of("emailMarketing", true)));
        assertThat(member.path("id").asLong()).isPositive();
        assertThat(CardNumber.isValid(member.path("cardNumber").asString())).isTrue();
        assertThat(member.path("phone").asString()).startsWith("+7916");
        assertThat(member.path("consents").path("emailMarketing").asBoolean()).isTrue();
        assertThat(member.path("consents").path("source").asString()).isEqualTo("TILL");

        JsonNode byCard = till.get("/api/v1/members?cardNumber=" + member.path("cardNumber").asString()).json();
        assertThat(byCard.path("items").get(0).path("id").asLong()).isEqualTo(member.path("id").asLong());
        JsonNode byEmail = till.get("/api/v1/members?email=" + email.toUpperCase()).json();
        assertThat(byEmail.path("total").asInt()).isEqualTo(1);
        // A till sees who the member is, not how to reach them.
        assertThat(byEmail.path("items").get(0).has("email")).isFalse();
        JsonNode byPhone = support.get("/api/v1/members?phone=" + member.path("phone").asString().replace("+", "%2B")).json();
        assertThat(byPhone.path("items").get(0).path("email").asString()).isEqualTo(email);
    }

    @Test
    void aPrintedCardIsRegisteredAndADuplicateIsAConflict() {
        String card = CardNumber.generated(90_000_000_000L + System.nanoTime() % 1_000_000_000L).value();
        JsonNode member = enrol(Map.of("cardNumber", card, "externalId", TestData.externalId()));
        assertThat(member.path("cardNumber").asString()).isEqualTo(card);
        Api.Response again = till.post("/api/v1/members", Api.json(Map.of("cardNumber", card)));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("CARD_TAKEN");
        assertThat(again.json().path("errors").get(0).path("field").asString()).isEqualTo("cardNumber");
    }

    @Test
    void duplicateContactsAreConflictsWithStableCodes() {
        String email = TestData.email();
        String phone = TestData.phone();
        String externalId = TestData.externalId();
        enrol(Map.of("email", email, "phone", phone, "externalId", externalId));
        assertThat(till.post("/api/v1/members", Api.json(Map.of("email", email.toUpperCase()))).code()).isEqualTo("EMAIL_TAKEN");
        assertThat(till.post("/api/v1/members", Api.json(Map.of("phone", phone))).code()).isEqualTo("PHONE_TAKEN");
        assertThat(till.post("/api/v1/members", Api.json(Map.of("externalId", externalId))).code()).isEqualTo("EXTERNAL_ID_TAKEN");
    }

    @Test
    void badInputIsA400ProblemNamingEveryField() {
        Api.Response r = till.post("/api/v1/members", Api.json(Map.of("email", "nope", "phone", "12", "cardNumber", "123",
                "language", "de", "categories", List.of("KING"), "firstName", "x".repeat(101))));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.json().path("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("email", "phone", "cardNumber", "language", "categories", "firstName");
    }

    @Test
    void malformedUnknownAndOversizedBodiesAreClientErrors() {
        assertThat(till.post("/api/v1/members", "{\"email\":").code()).isEqualTo("MALFORMED_JSON");
        Api.Response unknown = till.post("/api/v1/members", "{\"points\": 1000}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("field").asString()).isEqualTo("points");
        Api.Response wrongType = till.post("/api/v1/members", "{\"birthDate\": \"yesterday\"}");
        assertThat(wrongType.json().path("errors").get(0).path("field").asString()).isEqualTo("birthDate");
        Api.Response huge = till.post("/api/v1/members", "{\"firstName\":\"" + "x".repeat(2_000_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.isProblem()).isTrue();
        Api.Response text = till.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/members"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(text.status()).isEqualTo(415);
    }

    @Test
    void unknownThingsAre404Problems() {
        Api.Response member = Api.basic(port, "admin", ADMIN_PASSWORD).get("/api/v1/members/999999999");
        assertThat(member.status()).isEqualTo(404);
        assertThat(member.code()).isEqualTo("MEMBER_NOT_FOUND");
        Api.Response path = till.get("/api/v1/no-such-thing");
        assertThat(path.status()).isEqualTo(404);
        assertThat(path.isProblem()).isTrue();
        assertThat(path.body()).doesNotContain("Exception").doesNotContain("at io.patron");
        assertThat(till.get("/api/v1/members?cardNumber=2999999999994").json().path("total").asInt()).isZero();
    }

    @Test
    void aReferralCodeLinksTheNewcomerToTheReferrer() {
        JsonNode referrer = support.get("/api/v1/members/" + enrol(Map.of("email", TestData.email())).path("id").asLong()).json();
        JsonNode newcomer = enrol(Map.of("email", TestData.email(), "referralCode", referrer.path("referralCode").asString().toLowerCase()));
        assertThat(support.get("/api/v1/members/" + newcomer.path("id").asLong()).json().path("referredBy").asLong())
                .isEqualTo(referrer.path("id").asLong());
        Api.Response unknown = till.post("/api/v1/members", Api.json(Map.of("referralCode", "NOSUCHCODE")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("field").asString()).isEqualTo("referralCode");
    }

    @Test
    void supportUpdatesBlocksAndUnblocks() {
        long id = enrol(Map.of("email", TestData.email(), "firstName", "Ivan")).path("id").asLong();
        JsonNode updated = support.patch("/api/v1/members/" + id, Api.json(Map.of("lastName", "Petrov",
                "consents", Map.of("emailMarketing", true)))).json();
        assertThat(updated.path("firstName").asString()).isEqualTo("Ivan");
        assertThat(updated.path("lastName").asString()).isEqualTo("Petrov");
        assertThat(updated.path("consents").path("source").asString()).isEqualTo("API");
        assertThat(support.post("/api/v1/members/" + id + "/block", "{}").status()).isEqualTo(400);
        assertThat(support.post("/api/v1/members/" + id + "/block", "{\"reason\":\"fraud check\"}").json()
                .path("status").asString()).isEqualTo("BLOCKED");
        assertThat(support.post("/api/v1/members/" + id + "/unblock", "").json().path("status").asString()).isEqualTo("ACTIVE");
    }

    @Test
    void aLostCardIsBlockedAndReplacedWhileTheMemberStaysTheSame() {
        JsonNode member = enrol(Map.of("email", TestData.email()));
        long id = member.path("id").asLong();
        String oldCard = member.path("cardNumber").asString();
        Api.Response replaced = support.post("/api/v1/members/" + id + "/cards/" + oldCard + "/reissue", "{}");
        assertThat(replaced.status()).isEqualTo(201);
        String newCard = replaced.json().path("cardNumber").asString();
        assertThat(newCard).isNotEqualTo(oldCard);
        JsonNode after = support.get("/api/v1/members/" + id).json();
        assertThat(after.path("cardNumber").asString()).isEqualTo(newCard);
        assertThat(after.path("cards").findValuesAsString("status")).containsExactlyInAnyOrder("BLOCKED", "ACTIVE");
        assertThat(till.get("/api/v1/members?cardNumber=" + newCard).json().path("items").get(0).path("id").asLong()).isEqualTo(id);
        assertThat(support.post("/api/v1/members/" + id + "/cards/" + oldCard + "/reissue", "{}").code()).isEqualTo("CARD_BLOCKED");
    }

    @Test
    void mergingMovesCardsAndLeavesATombstone() {
        String duplicateEmail = TestData.email();
        JsonNode survivor = enrol(Map.of("phone", TestData.phone(), "firstName", "Olga"));
        JsonNode duplicate = enrol(Map.of("email", duplicateEmail, "categories", List.of("VETERAN")));
        long survivorId = survivor.path("id").asLong();
        long duplicateId = duplicate.path("id").asLong();
        JsonNode merged = support.post("/api/v1/members/" + survivorId + "/merge", "{\"duplicateId\":" + duplicateId + "}").json();
        assertThat(merged.path("email").asString()).isEqualTo(duplicateEmail);
        assertThat(merged.path("categories").toString()).contains("VETERAN");
        assertThat(merged.path("cards").findValuesAsString("cardNumber"))
                .contains(survivor.path("cardNumber").asString(), duplicate.path("cardNumber").asString());
        JsonNode tombstone = support.get("/api/v1/members/" + duplicateId).json();
        assertThat(tombstone.path("status").asString()).isEqualTo("MERGED");
        assertThat(tombstone.path("mergedInto").asLong()).isEqualTo(survivorId);
        assertThat(till.get("/api/v1/members?cardNumber=" + duplicate.path("cardNumber").asString()).json()
                .path("items").get(0).path("id").asLong()).isEqualTo(survivorId);
        assertThat(support.post("/api/v1/members/" + survivorId + "/merge", "{\"duplicateId\":" + duplicateId + "}").code())
                .isEqualTo("MEMBER_MERGED");
        assertThat(support.post("/api/v1/members/" + survivorId + "/merge", "{\"duplicateId\":" + survivorId + "}").status())
                .isEqualTo(400);
    }

    @Test
    void gdprExportHasEverythingAndErasureKeepsOnlyTheAnonymousShell() {
        String email = TestData.email();
        JsonNode member = enrol(Map.of("email", email, "firstName", "Erik", "lastName", "Jensen", "phone", TestData.phone()));
        long id = member.path("id").asLong();
        JsonNode export = support.get("/api/v1/members/" + id + "/export").json();
        assertThat(export.path("member").path("email").asString()).isEqualTo(email);
        assertThat(export.path("cards").size()).isEqualTo(1);
        assertThat(export.path("auditTrail").size()).isPositive();
        assertThat(export.has("emails")).isTrue();
        assertThat(export.has("points")).isTrue();
        assertThat(export.has("purchases")).isTrue();

        JsonNode erased = support.post("/api/v1/members/" + id + "/erase", "").json();
        assertThat(erased.path("status").asString()).isEqualTo("ERASED");
        assertThat(erased.has("email")).isFalse();
        assertThat(erased.has("firstName")).isFalse();
        assertThat(erased.path("cards").get(0).path("status").asString()).isEqualTo("BLOCKED");
        String exportAfter = support.get("/api/v1/members/" + id + "/export").body();
        assertThat(exportAfter).doesNotContain(email).doesNotContain("Erik").doesNotContain("Jensen");
        // The address is free again for a new enrolment.
        enrol(Map.of("email", email));
    }

    @Test
    void adminsSearchAndPageTheWholeList() {
        String name = "Zebediah" + System.nanoTime();
        for (int i = 0; i < 3; i++) {
            enrol(Map.of("firstName", name, "lastName", "Test" + i));
        }
        JsonNode page = support.get("/api/v1/members?q=" + name.toLowerCase() + "&size=2").json();
        assertThat(page.path("total").asInt()).isEqualTo(3);
        assertThat(page.path("items").size()).isEqualTo(2);
        assertThat(support.get("/api/v1/members?size=100000").status()).isEqualTo(400);
        assertThat(till.get("/api/v1/members?q=x").status()).isEqualTo(400);
    }

    /** Support finds "Țurcanu" by typing "turcanu", and "Ёлкина" by "елкина": the search ignores case and diacritics. */
    @Test
    void theSearchIgnoresCaseAndDiacritics() {
        String tag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        long romanian = enrol(Map.of("email", TestData.email(), "firstName", "Ștefan" + tag, "lastName", "Țurcanu")).path("id").asLong();
        long russian = enrol(Map.of("email", TestData.email(), "firstName", "Алёна" + tag, "lastName", "Ёлкина")).path("id").asLong();
        assertThat(support.get("/api/v1/members?q=stefan" + tag).json().path("items").get(0).path("id").asLong()).isEqualTo(romanian);
        assertThat(support.get("/api/v1/members?q=STEFAN" + tag + "%20TURC").json().path("total").asInt()).isEqualTo(1);
        assertThat(support.get("/api/v1/members?q=turcanu%20stefan" + tag).json().path("items").get(0).path("id").asLong())
                .isEqualTo(romanian);
        assertThat(support.get("/api/v1/members?q=" + java.net.URLEncoder.encode("ȚURCANU Ștefan" + tag, java.nio.charset.StandardCharsets.UTF_8))
                .json().path("total").asInt()).isEqualTo(1);
        assertThat(support.get("/api/v1/members?q=" + java.net.URLEncoder.encode("алена" + tag, java.nio.charset.StandardCharsets.UTF_8))
                .json().path("items").get(0).path("id").asLong()).isEqualTo(russian);
        assertThat(io.patron.members.internal.MemberRules.fold("Țurcanu Ștefan Ăîâ Ёлкина Արամ")).isEqualTo("turcanu stefan aia елкина արամ");
    }

}
