package io.patron.partners;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.WebSession;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The partner pages as people use them: an admin creates a partner, a key and a portal user through
 * the forms; the partner's person signs in to the partner portal and sees its own statement (page and
 * CSV) but not another partner's, and not the admin.
 */
class PartnerPagesTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void anAdminSetsUpAPartnerAndItsPersonReadsOnlyItsOwnStatements() {
        clock.advance(Duration.between(Instant.now(), Instant.parse("2032-06-15T10:00:00Z")));
        WebSession admin = new WebSession(port);
        admin.get("/login");
        assertThat(WebSession.location(admin.post("/login", Map.of("username", "admin", "password", ADMIN_PASSWORD)))).endsWith("/admin");
        assertThat(admin.get("/admin/partners").body()).contains("new-partner");
        String code = "PG" + System.nanoTime() % 100_000_000L;
        HttpResponse<String> created = admin.post("/admin/partners", Map.of("code", code, "name", "Café Partner",
                "earnRate", "0.2", "burnAccepted", "true", "issuePrice", "0.4", "redeemPrice", "1", "cobrandShare", "100",
                "period", "MONTHLY", "currency", "RUB"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
        String page = WebSession.location(created).replaceAll("^https?://[^/]+", "");
        assertThat(page).matches("/admin/partners/\\d+");
        long partnerId = Long.parseLong(page.substring(page.lastIndexOf('/') + 1));
        assertThat(admin.get(page).body()).contains("Café Partner").contains(code);

        // A key, shown once, and a portal user, through the forms.
        admin.get(page);
        HttpResponse<String> keyed = admin.post(page + "/keys", Map.of("name", "cash desk"));
        assertThat(keyed.statusCode()).as("shown in the answer, not after a redirect through the session").isEqualTo(200);
        Matcher key = Pattern.compile("(pp_[A-Za-z0-9]{40})").matcher(keyed.body());
        assertThat(key.find()).as("the new key is shown once").isTrue();
        assertThat(admin.get(page).body()).doesNotContain(key.group(1));
        admin.post(page + "/users", Map.of("username", "cafe-" + partnerId, "password", "partner-password-1", "displayName", "Kate"));
        assertThat(admin.get(page).body()).contains("cafe-" + partnerId);

        // Some activity through the key, then the month ends and its statement is drafted.
        Api partner = Api.bearer(port, key.group(1));
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        String card = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
        Api.Response sale = partner.post("/api/v1/partner/receipts", Api.json(Map.of("receiptId", "W1", "member",
                Map.of("cardNumber", card), "amount", new BigDecimal("100.00"))));
        assertThat(sale.json().path("pointsEarned").asLong()).as(sale.body()).isEqualTo(20);
        clock.advance(Duration.ofDays(20));
        admin.get("/admin/partners");
        admin.post("/admin/partners/statements/draft-due", Map.of());
        JsonNode statements = Api.basic(port, "admin", ADMIN_PASSWORD).get("/api/v1/partners/statements?partnerId=" + partnerId).json();
        long statementId = statements.path("items").get(0).path("id").asLong();
        String statementPage = admin.get("/admin/partners/statements/" + statementId).body();
        assertThat(statementPage).contains(code + "-2032-06").contains("id=\"net\">8.00 RUB");
        admin.post("/admin/partners/statements/" + statementId + "/review", Map.of("note", "ok"));
        admin.get("/admin/partners/statements/" + statementId);
        admin.post("/admin/partners/statements/" + statementId + "/close", Map.of());
        assertThat(admin.get("/admin/partners/statements/" + statementId).body()).doesNotContain("id=\"close\"")
                .contains("Closed");

        // Another partner's statement, to be kept out of sight.
        Api adminApi = Api.basic(port, "admin", ADMIN_PASSWORD);
        long other = adminApi.post("/api/v1/partners", Api.json(Map.of("code", code + "X", "name", "Other", "earnRate", 1,
                "issuePrice", 1, "redeemPrice", 1, "cobrandShare", 0))).json().path("id").asLong();
        clock.advance(Duration.ofDays(31));
        adminApi.post("/api/v1/partners/statements/draft-due", "");
        long otherStatement = adminApi.get("/api/v1/partners/statements?partnerId=" + other).json().path("items").get(0).path("id").asLong();

        WebSession person = new WebSession(port);
        assertThat(WebSession.location(person.get("/partner"))).endsWith("/partner/login");
        person.get("/partner/login");
        HttpResponse<String> wrong = person.post("/partner/login", Map.of("username", "cafe-" + partnerId, "password", "nope-nope-nope"));
        assertThat(WebSession.location(wrong)).endsWith("/partner/login?error");
        person.get("/partner/login");
        assertThat(WebSession.location(person.post("/partner/login", Map.of("username", "cafe-" + partnerId, "password", "partner-password-1"))))
                .endsWith("/partner");
        String home = person.get("/partner").body();
        assertThat(home).contains("Café Partner").contains(code + "-2032-06").contains("W1");
        assertThat(person.get("/partner/statements/" + statementId).body()).contains("id=\"net\">8.00 RUB");
        assertThat(person.get("/partner/statements/" + statementId + "/csv").body()).contains("net_payable_by_partner,8.00");
        assertThat(person.get("/partner/statements/" + otherStatement).statusCode()).isEqualTo(404);
        assertThat(WebSession.location(person.get("/admin/partners"))).as("a partner's person is no admin").endsWith("/login");
        // An admin's session is no partner's either.
        assertThat(WebSession.location(admin.get("/partner"))).endsWith("/partner/login");
    }
}
