package io.patron.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.common.Language;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint the application maps × every kind of caller → allowed or denied, against the policy
 * written below (not read from the code's annotations). The endpoints come from the application's
 * own handler mappings, so a new endpoint without a line in the policy fails this test. Ids in paths
 * name nothing that exists and bodies are empty, so an allowed call is refused for its content (400,
 * 404), never performed; a denied one is 401, 403 or a redirect to a sign-in page. No call may end in
 * a 5xx.
 */
class AuthorizationMatrixTest extends IntegrationTest {

    enum Kind { ANONYMOUS, MEMBER, TILL_A, TILL_B, PARTNER, PARTNER_USER, ADMIN, MARKETER, SUPPORT, ANALYST }

    private static final Set<Kind> EVERYONE = EnumSet.allOf(Kind.class);
    private static final Set<Kind> ADMINS = EnumSet.of(Kind.ADMIN, Kind.MARKETER, Kind.SUPPORT, Kind.ANALYST);

    /** The policy: method and path patterns, first match wins, and who may call. */
    private record Rule(String methods, Pattern path, Set<Kind> allowed) {
    }

    private static final List<Rule> POLICY = new ArrayList<>();

    private static void rule(String methods, String path, Kind... allowed) {
        POLICY.add(new Rule(methods, Pattern.compile(path), allowed.length == 0 ? EnumSet.noneOf(Kind.class) : EnumSet.of(allowed[0], allowed)));
    }

    private static void rule(String methods, String path, Set<Kind> allowed) {
        POLICY.add(new Rule(methods, Pattern.compile(path), allowed));
    }

    static {
        Kind A = Kind.ADMIN;
        Kind M = Kind.MARKETER;
        Kind S = Kind.SUPPORT;
        Kind N = Kind.ANALYST;
        Kind TA = Kind.TILL_A;
        Kind TB = Kind.TILL_B;
        // Public pages and documents.
        rule("GET", "/|/login|/error|/terms|/terms/history|/swagger-ui.html|/v3/api-docs.*", EVERYONE);
        rule("GET", "/api/v1/terms(/history)?", EVERYONE);
        rule("GET", "/draws/.*", EVERYONE);
        rule("GET|POST", "/feedback/(store|t)/.*", EVERYONE);
        rule("GET|POST", "/mail/(preferences|unsubscribe)/.*", EVERYONE);
        // An SMS gateway's delivery reports: the token in the path is the authority (a wrong one is 404 to all).
        rule("GET|POST", "/sms/reports/.*", EVERYONE);
        rule("GET|POST", "/portal/(login|login/phone|login/code|signup|auth|check-mail)", EVERYONE);
        rule("GET", "/partner/login", EVERYONE);
        // The member portal: its own member only.
        rule("GET|POST", "/portal(/.*)?", Kind.MEMBER);
        // The partner portal: a partner's people.
        rule("GET", "/partner(/.*)?", Kind.PARTNER_USER);
        // The admin, by role.
        rule("GET|POST", "/admin|/admin/password|/admin/tokens(/.*)?", ADMINS);
        rule("GET", "/admin/analytics", A, M, N);
        rule("GET", "/admin/audit", A);
        rule("GET", "/admin/backtests.*", A, M, N);
        rule("POST", "/admin/backtests.*", A, M);
        rule("GET", "/admin/coupons/[^/]+/codes.csv", A, M);
        rule("GET", "/admin/coupons.*", ADMINS);
        rule("POST", "/admin/coupons/[^/]+/issue", A, M, S);
        rule("POST", "/admin/coupons.*", A, M);
        rule("POST", "/admin/draws/[^/]+/winners/.*", A, M, S);
        rule("POST", "/admin/draws.*", A, M);
        rule("GET", "/admin/draws.*", ADMINS);
        rule("GET", "/admin/feedback.*", ADMINS);
        rule("POST", "/admin/feedback.*", A, M, S);
        rule("GET|POST", "/admin/history.*", A);
        rule("GET", "/admin/journeys/members/.*", A, M, S);
        rule("GET|POST", "/admin/journeys.*", A, M);
        rule("GET|POST", "/admin/members/import.*", A, S);
        rule("GET", "/admin/members/[^/]+/points.*", ADMINS);
        rule("POST", "/admin/members/[^/]+/points.*", A, S);
        rule("GET", "/admin/members/(new|[^/]+/edit|[^/]+/export)", A, S);
        rule("GET", "/admin/members.*", ADMINS);
        rule("POST", "/admin/members.*", A, S);
        rule("GET|POST", "/admin/newsletters.*", A, M);
        rule("GET|POST", "/admin/offers.*", A, M);
        rule("GET|POST", "/admin/outbox.*", A, S);
        rule("GET|POST", "/admin/sms/templates.*", A, M);
        rule("GET|POST", "/admin/fraud.*", A, S);
        rule("GET|POST", "/api/v1/fraud/.*", A, S);
        rule("GET|POST", "/admin/webhooks.*", A);
        rule("GET|POST|PUT|DELETE", "/api/v1/webhooks.*", A);
        rule("POST", "/api/v1/members/[^/]+/redemption-hold.*", A, S);
        rule("GET", "/admin/sms", A, S);
        rule("GET", "/admin/partners.*", A, N);
        rule("POST", "/admin/partners.*", A);
        rule("GET", "/admin/program.*", ADMINS);
        rule("POST", "/admin/program.*", A, M);
        rule("GET", "/admin/purchases.*", ADMINS);
        rule("POST", "/admin/rewards/redemptions/.*", A, M, S);
        rule("POST", "/admin/rewards.*", A, M);
        rule("GET", "/admin/rewards.*", A, M, S);
        rule("GET", "/admin/segments.*", A, M, N);
        rule("POST", "/admin/segments.*", A, M);
        rule("GET|POST", "/admin/(stores|tills|users).*", A);
        // The till contract.
        rule("POST", "/api/v1/purchases(/quote|/redemption-codes|/[^/]+/returns)?", TA, TB);
        rule("GET", "/api/v1/purchases.*", TA, TB, A, M, S, N);
        rule("GET", "/api/v1/stores/current", TA, TB);
        rule("GET", "/api/v1/stores/[^/]+/tills", A);
        // A store's own page: the demo store's (A's); till B is refused by the object-level check.
        rule("GET", "/api/v1/stores/[^/]+", TA, A, M, S, N);
        rule("GET", "/api/v1/stores", ADMINS);
        rule("POST", "/api/v1/(stores|tills).*", A);
        rule("GET", "/api/v1/members", TA, TB, A, M, S, N);
        // A till finds members at its counter by card, phone or QR: never by id.
        rule("GET", "/api/v1/members/[^/]+", A, M, S, N);
        rule("POST", "/api/v1/members", TA, TB, A, S);
        rule("GET", "/api/v1/members/[^/]+/account", TA, TB, A, M, S, N);
        rule("POST", "/api/v1/members/[^/]+/cards", TA, TB, A, S);
        rule("GET", "/api/v1/members/[^/]+/(coupons|draw-tickets)", A, M, S);
        rule("GET", "/api/v1/members/[^/]+/ledger", ADMINS);
        rule("GET", "/api/v1/members/[^/]+/(profile|rewards|reward-redemptions)", A, M, S);
        rule("POST", "/api/v1/members/[^/]+/(feedback-invitations|rewards/.*)", A, M, S);
        rule("GET|POST|PUT|PATCH|DELETE", "/api/v1/members/.*", A, S);
        // The partner API: partner keys only.
        rule("GET|POST", "/api/v1/partner/.*", Kind.PARTNER);
        // Administration through the API, by role.
        rule("GET", "/api/v1/analytics/.*", A, M, N);
        rule("PUT", "/api/v1/analytics/programme-holdout", A, M);
        rule("POST", "/api/v1/analytics/.*", A);
        rule("GET", "/api/v1/backtests.*", A, M, N);
        rule("POST", "/api/v1/backtests.*", A, M);
        rule("GET", "/api/v1/coupon-campaigns/[^/]+/codes.csv", A, M);
        rule("GET", "/api/v1/coupon-campaigns.*", ADMINS);
        rule("POST", "/api/v1/coupon-campaigns/[^/]+/issue", A, M, S);
        rule("POST", "/api/v1/coupon-campaigns.*", A, M);
        rule("POST", "/api/v1/draws/[^/]+/winners/.*", A, M, S);
        rule("POST", "/api/v1/draws.*", A, M);
        rule("GET", "/api/v1/draws.*", ADMINS);
        rule("GET", "/api/v1/feedback.*", ADMINS);
        rule("GET|POST", "/api/v1/offers.*", A, M);
        rule("GET", "/api/v1/partners.*", A, N);
        rule("POST|PATCH|DELETE", "/api/v1/partners.*", A);
        rule("GET", "/api/v1/program.*", ADMINS);
        rule("PUT|POST", "/api/v1/program.*", A, M);
        rule("GET|POST", "/api/v1/reward-redemptions.*", A, M, S);
        rule("GET", "/api/v1/rewards", ADMINS);
        rule("POST", "/api/v1/rewards.*", A, M);
        rule("GET", "/api/v1/segments.*", A, M, N);
        rule("POST", "/api/v1/segments/count", A, M, N);
        rule("PUT|DELETE", "/api/v1/segments/.*", A, M);
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Autowired
    AdminUsers adminUsers;

    @Autowired
    io.patron.stores.Stores stores;

    @Autowired
    JdbcClient jdbc;

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** A caller: the headers it sends and, for pages, a browser with its cookies and CSRF token. */
    private final class Caller {
        final Kind kind;
        final String authorization;
        final HttpClient browser;
        String csrf;

        Caller(Kind kind, String authorization) {
            this(kind, authorization, HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5)).build());
        }

        Caller(Kind kind, String authorization, HttpClient browser) {
            this.kind = kind;
            this.authorization = authorization;
            this.browser = browser;
        }

        HttpResponse<String> send(String method, String path, boolean api) throws Exception {
            return send(method, path, api, false);
        }

        HttpResponse<String> send(String method, String path, boolean api, boolean plainText) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
            if (!method.equals("GET") && !method.equals("DELETE")) {
                if (plainText) {
                    b.header("Content-Type", "text/plain");
                    body = HttpRequest.BodyPublishers.ofString("NO-SUCH-CODE");
                } else if (api) {
                    b.header("Content-Type", "application/json");
                    body = HttpRequest.BodyPublishers.ofString("{}");
                } else {
                    b.header("Content-Type", "application/x-www-form-urlencoded");
                    body = HttpRequest.BodyPublishers.ofString(csrf == null ? "" : "_csrf=" + csrf);
                }
            }
            return browser.send(b.method(method, body).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Takes a CSRF token from a page of its session. */
        void csrfFrom(String path) throws Exception {
            Matcher m = CSRF.matcher(send("GET", path, false).body());
            if (m.find()) {
                csrf = m.group(1);
            }
        }

        void formSignIn(String page, String username, String password) throws Exception {
            csrfFrom(page);
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + page))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password=" + password + "&_csrf=" + csrf)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(kind + " signs in").isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain("error");
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Map<Kind, Caller> callers() throws Exception {
        Map<Kind, Caller> callers = new EnumMap<>(Kind.class);
        callers.put(Kind.ANONYMOUS, new Caller(Kind.ANONYMOUS, null));
        callers.put(Kind.TILL_A, new Caller(Kind.TILL_A, "Bearer " + DEMO_TILL_KEY));
        String code = "MX" + System.nanoTime() % 100_000_000L;
        var storeB = stores.create(code, "Matrix B", "UTC");
        callers.put(Kind.TILL_B, new Caller(Kind.TILL_B, "Bearer " + stores.createTill(storeB.id(), "till B", null).key()));
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        long partner = admin.post("/api/v1/partners", Api.json(Map.of("code", code, "name", "Matrix partner", "earnRate", 1, "burnAccepted", true,
                "issuePrice", 1, "redeemPrice", 1, "cobrandShare", 0, "currency", "RUB"))).json().path("id").asLong();
        callers.put(Kind.PARTNER, new Caller(Kind.PARTNER, "Bearer " + admin.post("/api/v1/partners/" + partner + "/keys",
                Api.json(Map.of("name", "pos"))).json().path("secret").asString()));
        Caller partnerUser = new Caller(Kind.PARTNER_USER, null);
        String partnerLogin = "mx-" + partner;
        assertThat(admin.post("/api/v1/partners/" + partner + "/users", Api.json(Map.of("username", partnerLogin, "password", "partner-password-1",
                "displayName", "Matrix"))).status()).isEqualTo(201);
        partnerUser.formSignIn("/partner/login", partnerLogin, "partner-password-1");
        callers.put(Kind.PARTNER_USER, partnerUser);
        for (Kind role : List.of(Kind.ADMIN, Kind.MARKETER, Kind.SUPPORT, Kind.ANALYST)) {
            String name = "mx-" + role.name().toLowerCase() + "-" + System.nanoTime() % 1_000_000L;
            adminUsers.create(name, "matrix-password-1", role.name(), Set.of(AdminRole.valueOf(role.name())), Language.en);
            Caller c = new Caller(role, basic(name, "matrix-password-1"));
            Caller pages = new Caller(role, null);
            pages.formSignIn("/login", name, "matrix-password-1");
            pages.csrfFrom("/admin");
            callers.put(role, c);
            pageCallers.put(role, pages);
        }
        callers.put(Kind.MEMBER, member());
        // Every browser holds a CSRF token of its session for the public forms (the feedback form, sign-up …).
        for (Caller c : callers.values()) {
            if (c.csrf == null) {
                c.csrfFrom("/portal/login");
            }
        }
        partnerUser.csrfFrom("/partner");
        return callers;
    }

    /** For the admin roles, pages are called from a signed-in browser; the API with Basic. */
    private final Map<Kind, Caller> pageCallers = new EnumMap<>(Kind.class);

    private Caller member() throws Exception {
        String email = TestData.email();
        Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", email)));
        io.patron.PortalSession session = io.patron.PortalSession.signIn(port, jdbc, email);
        Caller member = new Caller(Kind.MEMBER, null, session.browser);
        member.csrf = session.csrf;
        return member;
    }

    private static String concrete(String pattern) {
        if (pattern.equals("/api/v1/stores/{id}")) {
            return "/api/v1/stores/1";
        }
        return pattern.replaceAll("\\{(id|itemId|keyId|userId|version|deliveryId)}", "999999999").replace("{slot}", "1")
                .replaceAll("\\{(code|receiptId|journey|kind|number|cardNumber|token|language)}", "NO-SUCH-THING");
    }

    private static Set<Kind> expected(String method, String path) {
        for (Rule r : POLICY) {
            if (method.matches(r.methods()) && r.path().matcher(path).matches()) {
                return r.allowed();
            }
        }
        return null;
    }

    private static boolean denied(HttpResponse<String> r) {
        String location = r.headers().firstValue("Location").orElse("");
        return r.statusCode() == 401 || r.statusCode() == 403
                || r.statusCode() == 302 && (location.endsWith("/login") || location.endsWith("/portal/login") || location.endsWith("/partner/login"));
    }

    @Test
    void everyEndpointAnswersEveryKindOfCallerAsThePolicySays() throws Exception {
        Map<Kind, Caller> callers = callers();
        List<MappedEndpoints.Endpoint> endpoints = MappedEndpoints.of(mapping).all();
        List<String> unlisted = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (MappedEndpoints.Endpoint e : endpoints) {
            String endpoint = e.name();
            String method = e.method();
            String pattern = e.pattern();
            Set<Kind> allowed = expected(method, pattern);
            if (allowed == null) {
                unlisted.add(endpoint);
                continue;
            }
            String path = concrete(pattern);
            boolean api = path.startsWith("/api/");
            for (Kind kind : Kind.values()) {
                Caller caller = !api && pageCallers.containsKey(kind) ? pageCallers.get(kind) : callers.get(kind);
                HttpResponse<String> r = caller.send(method, path, api, e.plainText());
                if (r.statusCode() >= 500) {
                    wrong.add(endpoint + " as " + kind + ": " + r.statusCode() + " " + r.body());
                } else if (denied(r) == allowed.contains(kind)) {
                    wrong.add(endpoint + " as " + kind + ": expected " + (allowed.contains(kind) ? "allowed" : "denied") + ", got "
                            + r.statusCode() + " " + r.headers().firstValue("Location").orElse(""));
                }
                if (path.equals("/portal/logout") && kind == Kind.MEMBER) {
                    callers.put(Kind.MEMBER, member());
                }
            }
        }
        assertThat(unlisted).as("endpoints without a line in the policy").isEmpty();
        assertThat(wrong).as("answers that differ from the policy").isEmpty();
        assertThat(endpoints).hasSizeGreaterThan(250);
    }
}
