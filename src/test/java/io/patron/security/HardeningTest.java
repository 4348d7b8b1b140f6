package io.patron.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What an attacker meets: sign-in and sign-in links that stop answering after a few tries, member
 * lookups by a partner key bounded, pages with a Content-Security-Policy and the usual headers, and no
 * secret in the log — not the keys Patron hands out, nor the passwords people send.
 */
@ExtendWith(OutputCaptureExtension.class)
class HardeningTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> form(String path, String body) throws Exception {
        String page = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + (path.startsWith("/portal") ? "/portal/login" : path)))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).isTrue();
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body + "&_csrf=" + csrf.group(1))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void signInAndSignInLinksStopAnsweringAfterAFewTries() throws Exception {
        String user = "guess-" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(form("/login", "username=" + user + "&password=wrong-" + i).statusCode()).as("attempt " + (i + 1)).isEqualTo(302);
        }
        HttpResponse<String> blocked = form("/login", "username=" + user + "&password=whatever");
        assertThat(blocked.statusCode()).as("the sixth at once must wait").isEqualTo(429);
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
        assertThat(blocked.body()).contains("id=\"too-many\"");
        assertThat(form("/login", "username=admin&password=" + ADMIN_PASSWORD).statusCode()).as("another user signs in").isEqualTo(302);

        String email = TestData.email();
        Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", email)));
        for (int i = 0; i < 5; i++) {
            assertThat(form("/portal/login", "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)).statusCode()).isEqualTo(302);
        }
        assertThat(form("/portal/login", "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)).statusCode())
                .as("a sixth link to the same mailbox within the hour").isEqualTo(429);
    }

    @Test
    void anAdminFormWithoutItsCsrfTokenIsRefused() throws Exception {
        assertThat(form("/login", "username=admin&password=" + ADMIN_PASSWORD).statusCode()).isEqualTo(302);
        String page = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/coupons")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).isTrue();
        String fields = "code=&name=&effectType=BONUS_POINTS";
        assertThat(post("/admin/coupons", fields + "&_csrf=" + csrf.group(1))).as("with the session's token").isEqualTo(200);
        assertThat(post("/admin/coupons", fields)).as("without a token").isEqualTo(403);
        assertThat(post("/admin/coupons", fields + "&_csrf=AAAA")).as("with a forged token").isEqualTo(403);
    }

    private int post(String path, String body) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aPartnerKeyCannotEnumerateMembersByPhone() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        String code = "HP" + System.nanoTime() % 100_000_000L;
        long partner = admin.post("/api/v1/partners", Api.json(Map.of("code", code, "name", "Hardening", "earnRate", 1, "burnAccepted", true,
                "issuePrice", 1, "redeemPrice", 1, "cobrandShare", 0, "currency", "RUB"))).json().path("id").asLong();
        Api key = Api.bearer(port, admin.post("/api/v1/partners/" + partner + "/keys", Api.json(Map.of("name", "pos"))).json().path("secret").asString());
        int refused = 0;
        for (int i = 0; i < 130; i++) {
            Api.Response r = key.post("/api/v1/partner/members/identify", Api.json(Map.of("phone", "+7900" + String.format("%07d", i))));
            if (r.status() == 429) {
                refused++;
                assertThat(r.code()).isEqualTo("TOO_MANY_LOOKUPS");
            }
        }
        assertThat(refused).as("lookups beyond 120 a minute").isGreaterThanOrEqualTo(10);
    }

    @Test
    void pagesCarryAContentSecurityPolicyAndTheUsualHeaders() {
        for (String path : new String[] {"/login", "/portal/login", "/terms"}) {
            Api.Response r = Api.anonymous(port).get(path);
            var h = r.raw().headers();
            assertThat(h.firstValue("Content-Security-Policy").orElse("")).as(path).contains("script-src 'self'").contains("frame-ancestors 'none'");
            assertThat(h.firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(h.firstValue("X-Frame-Options")).as(path).contains("DENY");
            assertThat(r.body()).as(path + ": no inline script").doesNotContainPattern("<script>(?!\\s*</script>)").doesNotContain("javascript:");
        }
    }

    @Test
    void noSecretReachesTheLog(CapturedOutput output) {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", "HS" + System.nanoTime() % 100_000_000L, "name", "Secrets", "timeZone", "UTC")))
                .json().path("id").asLong();
        String tillKey = admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t"))).json().path("key").asString();
        Api till = Api.bearer(port, tillKey);
        assertThat(till.get("/api/v1/stores/current").status()).isEqualTo(200);
        assertThat(Api.bearer(port, tillKey + "x").get("/api/v1/stores/current").status()).isEqualTo(401);
        assertThat(Api.basic(port, "admin", "not-the-password-42").get("/api/v1/stores").status()).isEqualTo(401);
        assertThat(output.getAll()).doesNotContain(tillKey).doesNotContain(ADMIN_PASSWORD).doesNotContain("not-the-password-42");
    }
}
