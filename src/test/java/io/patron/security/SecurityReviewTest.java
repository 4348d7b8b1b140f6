package io.patron.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.PortalSession;
import io.patron.TestData;
import io.patron.WebSession;
import io.patron.messaging.Mail;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The attacks an outside review reproduced against a default install, each tried again here and
 * expected to fail: poisoned sign-in links, password guessing over HTTP Basic, sessions that outlive
 * their rights, points and tickets farmed by partial returns, a till key walking the member base, a
 * backdated sale skipping the return window, and the smaller doors (live links in the outbox, phone
 * enumeration at sign-up, feedback put to any member's name, one-time secrets in the session table,
 * admin tokens that never expire). The dashboard's markup injection is {@link HostileTextTest}'s.
 */
class SecurityReviewTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    private Api admin() {
        return Api.basic(port, "admin", ADMIN_PASSWORD);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    // --- 2. Host-header poisoning -------------------------------------------------------------------

    @Test
    void aSignInLinkPointsAtTheConfiguredAddressWhateverHostTheRequestNamed() throws Exception {
        String email = TestData.email();
        Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", email, "firstName", "Hostia")));
        settle();
        long welcomed = mailsTo(email);
        RawBrowser browser = new RawBrowser(port);
        browser.get("/portal/login");
        String poisoned = browser.post("/portal/login", "evil.test", "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8));
        assertThat(poisoned).as("a foreign Host is refused").startsWith("HTTP/1.1 400");
        assertThat(mailsTo(email)).as("and nothing was sent").isEqualTo(welcomed);

        String honest = browser.post("/portal/login", "localhost:" + port, "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8));
        assertThat(honest).startsWith("HTTP/1.1 302");
        String text = jdbc.sql("SELECT body_text FROM mail_outbox WHERE recipient = :r ORDER BY id DESC LIMIT 1").param("r", email)
                .query(String.class).single();
        assertThat(text).contains("http://localhost:" + port + "/portal/auth?token=").doesNotContain("evil.test");
    }

    private long mailsTo(String email) {
        return jdbc.sql("SELECT COUNT(*) FROM mail_outbox WHERE recipient = :r").param("r", email).query(Long.class).single();
    }

    // --- 3. Guessing over HTTP Basic ---------------------------------------------------------------

    @Test
    void guessingAPasswordOverBasicIsSlowedDownAndTheRightOneWorksOnceTheWaitIsOver() throws Exception {
        String user = "basic" + System.nanoTime() % 1_000_000_000L;
        String password = "right-password-" + user;
        createUser(user, password, "ANALYST");
        for (int i = 0; i < 5; i++) {
            assertThat(Api.basic(port, user, "wrong-" + i).get("/api/v1/stores").status()).as("guess " + (i + 1)).isEqualTo(401);
        }
        Api.Response sixth = Api.basic(port, user, "wrong-6").get("/api/v1/stores");
        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.code()).isEqualTo("TOO_MANY_SIGN_IN_ATTEMPTS");
        long wait = Long.parseLong(sixth.raw().headers().firstValue("Retry-After").orElseThrow());
        assertThat(Api.basic(port, user, password).get("/api/v1/stores").status())
                .as("during the wait even the right password is not looked at").isEqualTo(429);
        Thread.sleep(Duration.ofSeconds(wait).plusMillis(200));
        assertThat(Api.basic(port, user, password).get("/api/v1/stores").status()).as("a wait, not a lock").isEqualTo(200);
    }

    private long createUser(String username, String password, String... roles) {
        WebSession session = WebSession.admin(port);
        session.get("/admin/users");
        Map<String, String> form = new LinkedHashMap<>(Map.of("username", username, "password", password, "displayName", username,
                "language", "en"));
        // One role per request field: the form posts each ticked box as its own "roles" value.
        form.put("roles", String.join(",", roles));
        HttpResponse<String> r = session.post("/admin/users", form);
        assertThat(r.statusCode()).isEqualTo(302);
        return jdbc.sql("SELECT id FROM admin_users WHERE username = :u").param("u", username).query(Long.class).single();
    }

    // --- 4. Sessions that outlive rights -------------------------------------------------------------

    @Test
    void anAdminSessionEndsWhenTheUserLosesARoleIsDisabledOrChangesThePassword() {
        String user = "sess" + System.nanoTime() % 1_000_000_000L;
        String password = "first-password-" + user;
        long id = createUser(user, password, "MARKETER", "SUPPORT");
        WebSession session = signIn(user, password);
        assertThat(session.get("/admin/members").statusCode()).isEqualTo(200);

        WebSession admin = WebSession.admin(port);
        admin.get("/admin/users");
        admin.post("/admin/users/" + id, Map.of("roles", "MARKETER", "enabled", "true", "language", "en"));
        assertThat(WebSession.location(session.get("/admin/members"))).as("a role taken away").endsWith("/login");

        session = signIn(user, password);
        assertThat(session.get("/admin/program").statusCode()).isEqualTo(200);
        admin.get("/admin/users");
        admin.post("/admin/users/" + id, Map.of("roles", "MARKETER", "enabled", "false", "language", "en"));
        assertThat(WebSession.location(session.get("/admin/program"))).as("disabled").endsWith("/login");
        admin.get("/admin/users");
        admin.post("/admin/users/" + id, Map.of("roles", "MARKETER", "enabled", "true", "language", "en"));

        WebSession first = signIn(user, password);
        WebSession second = signIn(user, password);
        second.get("/admin/tokens");
        HttpResponse<String> noCurrent = second.post("/admin/password", Map.of("password", "second-password-" + user));
        assertThat(WebSession.location(noCurrent)).as("the current password is asked for").endsWith("/admin/tokens");
        assertThat(WebSession.location(signInResponse(user, "second-password-" + user))).contains("error");
        second.get("/admin/tokens");
        HttpResponse<String> changed = second.post("/admin/password", Map.of("currentPassword", password, "password", "second-password-" + user));
        assertThat(WebSession.location(changed)).endsWith("/login?passwordChanged");
        assertThat(WebSession.location(first.get("/admin/program"))).as("the other session ends too").endsWith("/login");
        assertThat(WebSession.location(second.get("/admin/program"))).endsWith("/login");
        assertThat(signIn(user, "second-password-" + user).get("/admin/program").statusCode()).isEqualTo(200);
    }

    private WebSession signIn(String user, String password) {
        WebSession s = new WebSession(port);
        s.get("/login");
        HttpResponse<String> r = s.post("/login", Map.of("username", user, "password", password));
        assertThat(WebSession.location(r)).as("sign-in of " + user).endsWith("/admin");
        return s;
    }

    private HttpResponse<String> signInResponse(String user, String password) {
        WebSession s = new WebSession(port);
        s.get("/login");
        return s.post("/login", Map.of("username", user, "password", password));
    }

    @Test
    void aBlockedMemberIsSignedOutOfThePortalAndADisabledPartnerUserOutOfThePartnerPortal() throws Exception {
        String email = TestData.email();
        long member = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", email))).json().path("id").asLong();
        PortalSession portal = PortalSession.signIn(port, jdbc, email);
        assertThat(portal.get("/portal").statusCode()).isEqualTo(200);
        assertThat(admin().post("/api/v1/members/" + member + "/block", Api.json(Map.of("reason", "review"))).status()).isEqualTo(200);
        assertThat(portal.get("/portal").headers().firstValue("Location").orElse("")).endsWith("/portal/login");

        String code = "SR" + System.nanoTime() % 100_000_000L;
        long partner = admin().post("/api/v1/partners", Api.json(Map.of("code", code, "name", "Review", "earnRate", 1, "burnAccepted", true,
                "issuePrice", 1, "redeemPrice", 1, "cobrandShare", 0, "currency", "RUB"))).json().path("id").asLong();
        String username = "pu" + System.nanoTime() % 1_000_000_000L;
        long userId = admin().post("/api/v1/partners/" + partner + "/users", Api.json(Map.of("username", username,
                "password", "partner-password-1", "displayName", "P"))).json().path("id").asLong();
        WebSession partnerSession = new WebSession(port);
        partnerSession.get("/partner/login");
        assertThat(WebSession.location(partnerSession.post("/partner/login", Map.of("username", username, "password", "partner-password-1"))))
                .endsWith("/partner");
        assertThat(partnerSession.get("/partner").statusCode()).isEqualTo(200);
        WebSession admin = WebSession.admin(port);
        admin.get("/admin/partners/" + partner);
        admin.post("/admin/partners/" + partner + "/users/" + userId + "/enabled", Map.of("enabled", "false"));
        assertThat(WebSession.location(partnerSession.get("/partner"))).endsWith("/partner/login");
    }

    // --- 5. Farming by partial returns ---------------------------------------------------------------

    @Test
    void partialReturnsLeaveNothingOfWhatTheReturnedGoodsEarned() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        long draw = admin().post("/api/v1/draws", Api.json(Map.of("code", "FARM" + System.nanoTime() % 100_000_000L, "series", "MONTHLY",
                "name", "Farm check", "entryFrom", now.minusHours(1).toString(), "entryTo", now.plusDays(2).toString(), "autoDraw", false,
                "prizes", List.of(Map.of("name", "Mug", "quantity", 1))))).json().path("id").asLong();
        try {
            Api till = Api.bearer(port, DEMO_TILL_KEY);
            JsonNode m = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
            long memberId = m.path("id").asLong();
            for (int cycle = 1; cycle <= 3; cycle++) {
                JsonNode sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "FARM-" + System.nanoTime(),
                        "member", Map.of("cardNumber", m.path("cardNumber").asString()),
                        "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 999.99),
                                Map.of("lineId", "2", "category", "home", "quantity", 1, "unitPrice", 0.01))))).json();
                assertThat(sale.path("pointsEarned").asLong()).isEqualTo(100);
                assertThat(sale.path("issuedCoupons").size()).as("the coupon for receipts from 1,000").isEqualTo(1);
                JsonNode back = till.post("/api/v1/purchases/" + sale.path("purchaseId").asLong() + "/returns",
                        Api.json(Map.of("returnId", "FARM-R-" + System.nanoTime(), "lines", List.of(Map.of("lineId", "1", "quantity", 1))))).json();
                assertThat(back.path("pointsReversed").asLong() + back.path("pointsForgiven").asLong()).as("cycle " + cycle).isEqualTo(100);
            }
            JsonNode account = admin().get("/api/v1/members/" + memberId + "/account").json();
            assertThat(account.path("pointsPending").asLong() + account.path("pointsAvailable").asLong()).as("0.03 of spend earns nothing").isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM draw_tickets WHERE member_id = :m AND voided_at IS NULL").param("m", memberId)
                    .query(Long.class).single()).as("tickets kept").isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM draw_tickets WHERE member_id = :m").param("m", memberId)
                    .query(Long.class).single()).as("tickets the sales gave").isEqualTo(6);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM coupons WHERE member_id = :m AND status = 'ACTIVE'").param("m", memberId)
                    .query(Long.class).single()).as("coupons for the next visit kept").isZero();
        } finally {
            admin().post("/api/v1/draws/" + draw + "/close", "");
        }
    }

    @Test
    void aPartialReturnBelowTheProgrammeMinimumTakesTheReferrersBonusBackOnce() throws Exception {
        JsonNode document = admin().get("/api/v1/program").json();
        String original = document.toString();
        var withReferral = (tools.jackson.databind.node.ObjectNode) document.deepCopy();
        withReferral.set("referral", Api.JSON.readTree("{\"referrerPoints\":500,\"newcomerPoints\":100,\"minimumPurchase\":1000}"));
        assertThat(admin().put("/api/v1/program", withReferral.toString()).status()).isEqualTo(200);
        try {
            Api till = Api.bearer(port, DEMO_TILL_KEY);
            JsonNode referrer = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
            String code = admin().get("/api/v1/members/" + referrer.path("id").asLong()).json().path("referralCode").asString();
            JsonNode newcomer = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "referralCode", code))).json();
            JsonNode sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "REF-" + System.nanoTime(),
                    "member", Map.of("cardNumber", newcomer.path("cardNumber").asString()),
                    "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 1000),
                            Map.of("lineId", "2", "category", "home", "quantity", 1, "unitPrice", 0.01))))).json();
            assertThat(pending(referrer)).as("the referrer's bonus").isEqualTo(500);
            String path = "/api/v1/purchases/" + sale.path("purchaseId").asLong() + "/returns";
            JsonNode back = till.post(path, Api.json(Map.of("returnId", "REF-R1-" + System.nanoTime(),
                    "lines", List.of(Map.of("lineId", "1", "quantity", 1))))).json();
            assertThat(back.path("pointsReversed").asLong()).as("the newcomer's 100 + their own bonus").isEqualTo(200);
            assertThat(pending(referrer)).as("0.01 left: no referral").isZero();
            till.post(path, Api.json(Map.of("returnId", "REF-R2-" + System.nanoTime(), "lines", List.of(Map.of("lineId", "2", "quantity", 1)))));
            assertThat(pending(referrer) + available(referrer)).as("taken back once, not twice").isZero();
        } finally {
            admin().put("/api/v1/program", original);
        }
    }

    private long pending(JsonNode member) {
        return admin().get("/api/v1/members/" + member.path("id").asLong() + "/account").json().path("pointsPending").asLong();
    }

    private long available(JsonNode member) {
        return admin().get("/api/v1/members/" + member.path("id").asLong() + "/account").json().path("pointsAvailable").asLong();
    }

    // --- 6. A till key walking the member base -------------------------------------------------------

    @Test
    void aTillFindsMembersAtItsCounterButCannotWalkTheMemberBase() {
        var store = admin().post("/api/v1/stores", Api.json(Map.of("code", "WK" + System.nanoTime() % 100_000_000L, "name", "Walk",
                "timeZone", "UTC"))).json();
        Api till = Api.bearer(port, admin().post("/api/v1/stores/" + store.path("id").asLong() + "/tills", Api.json(Map.of("name", "t")))
                .json().path("key").asString());
        JsonNode m = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", TestData.email(),
                "firstName", "Vera", "birthDate", "1980-02-03"))).json();
        long id = m.path("id").asLong();
        assertThat(till.get("/api/v1/members/" + id).status()).isEqualTo(403);
        assertThat(till.get("/api/v1/members/" + id + "/coupons").status()).isEqualTo(403);
        assertThat(till.get("/api/v1/members/" + id + "/draw-tickets").status()).isEqualTo(403);
        JsonNode found = till.get("/api/v1/members?cardNumber=" + m.path("cardNumber").asString()).json().path("items").get(0);
        assertThat(found.path("firstName").asString()).isEqualTo("Vera");
        assertThat(found.has("birthDate")).isFalse();
        assertThat(found.has("referralCode")).isFalse();
        int refused = 0;
        for (int i = 0; i < 130 && refused == 0; i++) {
            Api.Response r = till.get("/api/v1/members?phone=%2B7900" + String.format("%07d", i));
            if (r.status() == 429) {
                refused++;
                assertThat(r.code()).isEqualTo("TOO_MANY_LOOKUPS");
                assertThat(i).as("lookups allowed in the minute").isGreaterThanOrEqualTo(118);
            }
        }
        assertThat(refused).as("a walk is stopped").isPositive();
        assertThat(till.get("/api/v1/members/" + id + "/account").status()).as("account reads count too").isEqualTo(429);
    }

    // --- 7. A backdated sale skipping the return window ----------------------------------------------

    @Test
    void aBackdatedSalesPointsWaitOutTheReturnWindowFromTheirArrival() {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        JsonNode m = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
        String card = m.path("cardNumber").asString();
        OffsetDateTime twentyDaysAgo = OffsetDateTime.now(clock).minusDays(20).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        JsonNode sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "BD-" + System.nanoTime(), "occurredAt",
                twentyDaysAgo.toString(), "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 1000))))).json();
        assertThat(sale.path("member").path("pointsPending").asLong()).isEqualTo(100);
        Api.Response spend = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "BD2-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "pointsToRedeem", 50,
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 200)))));
        assertThat(spend.status()).isEqualTo(422);
        assertThat(spend.code()).isEqualTo("INSUFFICIENT_POINTS");
        var lot = jdbc.sql("SELECT available_from, expires_at FROM point_lots WHERE purchase_id = :p")
                .param("p", sale.path("purchaseId").asLong())
                .query((rs, i) -> new OffsetDateTime[] {rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class)}).single();
        assertThat(lot[0]).as("matures 14 days after it arrived")
                .isBetween(OffsetDateTime.now(clock).plusDays(14).minusMinutes(1), OffsetDateTime.now(clock).plusDays(14));
        assertThat(lot[1].toInstant()).as("expires 12 months after the sale").isEqualTo(twentyDaysAgo.plusMonths(12).toInstant().truncatedTo(
                java.time.temporal.ChronoUnit.MICROS));
    }

    // --- 8. The smaller doors -----------------------------------------------------------------------

    @Test
    void theOutboxNeverShowsAWorkingSignInLinkToStaff() throws Exception {
        String email = TestData.email();
        Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", email)));
        PortalSession.signIn(port, jdbc, email);
        long mail = jdbc.sql("SELECT id FROM mail_outbox WHERE recipient = :r ORDER BY id DESC LIMIT 1").param("r", email).query(Long.class).single();
        String stored = jdbc.sql("SELECT body_text FROM mail_outbox WHERE id = :id").param("id", mail).query(String.class).single();
        assertThat(stored).contains("/portal/auth?token=" + Mail.SECRET_MARK);
        String support = "sup" + System.nanoTime() % 1_000_000_000L;
        createUser(support, "support-password-1", "SUPPORT");
        String page = signIn(support, "support-password-1").get("/admin/outbox/" + mail).body();
        Matcher token = Pattern.compile("/portal/auth\\?token=([A-Za-z0-9_-]{20,})").matcher(page);
        assertThat(token.find()).as("a working token on the support's page").isFalse();
        assertThat(page).contains("id=\"secret-note\"");
    }

    @Test
    void signingUpWithAPhoneNumberThatIsTakenAnswersLikeAnyOtherSignUp() {
        String phone = TestData.phone();
        Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("phone", phone, "email", TestData.email())));
        WebSession browser = new WebSession(port);
        browser.get("/portal/signup");
        String email = TestData.email();
        HttpResponse<String> taken = browser.post("/portal/signup", Map.of("email", email, "phone", phone, "firstName", "Probe"));
        browser.get("/portal/signup");
        HttpResponse<String> fresh = browser.post("/portal/signup", Map.of("email", TestData.email(), "phone", TestData.phone(), "firstName", "Probe"));
        assertThat(taken.statusCode()).isEqualTo(fresh.statusCode()).isEqualTo(302);
        assertThat(WebSession.location(taken)).isEqualTo(WebSession.location(fresh)).endsWith("/portal/check-mail");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM members WHERE email = :e AND phone IS NULL").param("e", email).query(Long.class).single())
                .as("the card is made without the taken number").isEqualTo(1);
    }

    @Test
    void anAnswerOnAStoresPublicPageIsNeverPutToAMembersName() {
        JsonNode m = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
        WebSession anyone = new WebSession(port);
        anyone.get("/feedback/store/DEMO?kind=NPS");
        String comment = "framed " + System.nanoTime();
        anyone.post("/feedback/store/DEMO?kind=NPS", Map.of("kind", "NPS", "score", "0", "comment", comment,
                "cardNumber", m.path("cardNumber").asString()));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM feedback_responses WHERE comment = :c AND member_id IS NULL").param("c", comment)
                .query(Long.class).single()).as("recorded, anonymous").isEqualTo(1);
    }

    @Test
    void oneTimeSecretsAreShownInTheAnswerAndNeverStoredInTheSession() {
        WebSession admin = WebSession.admin(port);
        admin.get("/admin/tokens");
        HttpResponse<String> created = admin.post("/admin/tokens", Map.of("name", "script", "days", "30"));
        assertThat(created.statusCode()).isEqualTo(200);
        Matcher secret = Pattern.compile("id=\"issued-token\">(pt_admin_[A-Za-z0-9]+)<").matcher(created.body());
        assertThat(secret.find()).as(created.body()).isTrue();
        List<byte[]> attributes = jdbc.sql("SELECT attribute_bytes FROM spring_session_attributes").query(byte[].class).list();
        assertThat(attributes).noneMatch(bytes -> new String(bytes, StandardCharsets.ISO_8859_1).contains(secret.group(1)));

        long store = admin().post("/api/v1/stores", Api.json(Map.of("code", "OT" + System.nanoTime() % 100_000_000L, "name", "Once",
                "timeZone", "UTC"))).json().path("id").asLong();
        admin.get("/admin/stores/" + store);
        HttpResponse<String> till = admin.post("/admin/stores/" + store + "/tills", Map.of("name", "counter"));
        Matcher key = Pattern.compile("(pt_till_[A-Za-z0-9]+)").matcher(till.body());
        assertThat(key.find()).as(till.body()).isTrue();
        assertThat(jdbc.sql("SELECT attribute_bytes FROM spring_session_attributes").query(byte[].class).list())
                .noneMatch(bytes -> new String(bytes, StandardCharsets.ISO_8859_1).contains(key.group(1)));
    }

    @Test
    void anAdminTokenActsOnlyWithTheRolesItWasGivenAndOnlyUntilItExpires() {
        WebSession admin = WebSession.admin(port);
        admin.get("/admin/tokens");
        HttpResponse<String> created = admin.post("/admin/tokens", Map.of("name", "analyst script", "days", "7", "roles", "ANALYST"));
        Matcher secret = Pattern.compile("id=\"issued-token\">(pt_admin_[A-Za-z0-9]+)<").matcher(created.body());
        assertThat(secret.find()).as(created.body()).isTrue();
        Api token = Api.bearer(port, secret.group(1));
        assertThat(token.get("/api/v1/analytics/summary?from=2026-01-01&to=2026-01-31").status()).isEqualTo(200);
        assertThat(token.post("/api/v1/stores", Api.json(Map.of("code", "TK" + System.nanoTime() % 100_000_000L, "name", "No",
                "timeZone", "UTC"))).status()).as("the admin's other roles stay with the admin").isEqualTo(403);
        clock.advance(Duration.ofDays(8));
        assertThat(token.get("/api/v1/analytics/summary?from=2026-01-01&to=2026-01-31").status()).as("expired").isEqualTo(401);
    }

    @Test
    void theApiDescriptionIsPublishedAsTheDocsSay() {
        assertThat(Api.anonymous(port).get("/v3/api-docs").status()).isEqualTo(200);
    }

    /** HTTP/1.1 over a plain socket: the Java client will not send a Host header of our choosing. */
    private static final class RawBrowser {
        private final int port;
        private String cookie = "";
        private String csrf = "";

        RawBrowser(int port) {
            this.port = port;
        }

        String get(String path) throws Exception {
            String response = send("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n"
                    + (cookie.isEmpty() ? "" : "Cookie: " + cookie + "\r\n") + "\r\n");
            Matcher set = Pattern.compile("(?i)Set-Cookie: (SESSION=[^;]+)").matcher(response);
            if (set.find()) {
                cookie = set.group(1);
            }
            Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(response);
            if (token.find()) {
                csrf = token.group(1);
            }
            return response;
        }

        String post(String path, String host, String form) throws Exception {
            String body = form + "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
            return send("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nCookie: " + cookie
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body);
        }

        private String send(String request) throws Exception {
            try (Socket socket = new Socket("localhost", port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                in.transferTo(all);
                return all.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
