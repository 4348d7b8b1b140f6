package io.patron.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.ledger.LedgerInvariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Seeded random bodies at every JSON endpoint of the API (taken from the application's own mappings),
 * each sent by a caller allowed to call it: malformed and well-formed JSON, wrong types, huge and
 * negative numbers, long and hostile strings, deep nesting, known field names with wrong values.
 * Never a 5xx, and the ledger's books still balance afterwards (no partial write). A failure prints
 * the seed, the endpoint and the body; {@code -Dpatron.fuzz.seed=…} replays it.
 */
class InputFuzzTest extends IntegrationTest {

    private static final int BODIES_PER_ENDPOINT = 25;
    private static final String[] FIELDS = {"receiptId", "occurredAt", "member", "cardNumber", "phone", "email", "lines", "lineId", "sku",
            "name", "category", "quantity", "unitPrice", "couponCodes", "pointsToRedeem", "returnId", "points", "reason", "firstName",
            "lastName", "birthDate", "language", "categories", "consents", "emailMarketing", "referralCode", "code", "effectType",
            "effectValue", "percent", "amount", "kind", "validDays", "count", "definition", "languages", "stores", "tier", "expiresAt",
            "newMemberHoldoutPercent", "holdoutPercent", "memberId", "segmentCode", "timeZone", "earnRate", "status", "username",
            "password", "candidateVersion", "from", "to", "storeCode", "prizes", "entryTo", "survivorId", "value", "perAmount", "rules"};
    private static final String[] HOSTILE = {"", " ", "'; DROP TABLE members; --", "<script>alert(1)</script>", "%00", "\u0000", "../../etc/passwd",
            "ДРУГОЙ язык ԱԲԳ", "1e309", "-0", "NaN", "null", "true", "{\"$gt\":\"\"}", "${jndi:ldap://x}", "2026-13-45", "9999-12-31T23:59:59Z"};

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Autowired
    JdbcClient jdbc;

    @Test
    void randomBodiesAtEveryJsonEndpointNeverGetA5xxNorBreakTheLedger() {
        long seed = Long.getLong("patron.fuzz.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        // Things the endpoints' ids can name: a member of its own, one of its sales, a coupon campaign, a partner and its key.
        var member = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "firstName", "Fuzz"))).json();
        String card = member.path("cardNumber").asString();
        long memberId = member.path("id").asLong();
        long purchase = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "FZ-" + System.nanoTime(), "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 2, "unitPrice", 300))))).json().path("purchaseId").asLong();
        String tag = "FZ" + System.nanoTime() % 100_000_000L;
        long campaign = admin.post("/api/v1/coupon-campaigns", Api.json(Map.of("code", tag, "name", "Fuzz", "effectType", "FIXED_DISCOUNT",
                "effectValue", 10))).json().path("campaign").path("id").asLong();
        long partner = admin.post("/api/v1/partners", Api.json(Map.of("code", tag, "name", "Fuzz", "earnRate", 1, "burnAccepted", true,
                "issuePrice", 1, "redeemPrice", 1, "cobrandShare", 0, "currency", "RUB"))).json().path("id").asLong();
        Api partnerKey = Api.bearer(port, admin.post("/api/v1/partners/" + partner + "/keys", Api.json(Map.of("name", "pos"))).json()
                .path("secret").asString());
        int holdout = admin.get("/api/v1/analytics/programme-holdout").json().path("newMemberHoldoutPercent").asInt();

        List<String> endpoints = MappedEndpoints.of(mapping).all().stream().filter(e -> e.pattern().startsWith("/api/") && e.jsonBody())
                .map(MappedEndpoints.Endpoint::name).toList();
        assertThat(endpoints).hasSizeGreaterThan(30);
        List<String> failures = new ArrayList<>();
        try {
            for (String endpoint : endpoints) {
                String method = endpoint.substring(0, endpoint.indexOf(' '));
                String path = endpoint.substring(endpoint.indexOf(' ') + 1)
                        // Tills and programme versions are named by ids that do not exist: rotating the demo key would end the other tests.
                        .replace("/tills/{id}", "/tills/999999999").replace("{version}", "999999")
                        .replace("/members/{id}", "/members/" + memberId).replace("/purchases/{id}", "/purchases/" + purchase)
                        .replace("/coupon-campaigns/{id}", "/coupon-campaigns/" + campaign).replace("/partners/{id}", "/partners/" + partner)
                        .replaceAll("\\{[a-zA-Z]+}", "999999999");
                Api caller = path.startsWith("/api/v1/partner/") ? partnerKey
                        : path.matches("/api/v1/purchases(/quote|/[^/]+/returns)?") ? till : admin;
                for (int i = 0; i < BODIES_PER_ENDPOINT; i++) {
                    String body = i % 5 == 0 ? malformed(random) : Api.json(object(random, 0));
                    Api.Response r = switch (method) {
                        case "PUT" -> caller.put(path, body);
                        case "PATCH" -> caller.patch(path, body);
                        default -> caller.post(path, body);
                    };
                    if (r.status() >= 500) {
                        failures.add("seed " + seed + ": " + endpoint + " → " + r.status() + " for " + body + "\n  " + r.body());
                    }
                }
            }
        } finally {
            admin.put("/api/v1/analytics/programme-holdout", Api.json(Map.of("newMemberHoldoutPercent", holdout)));
        }
        assertThat(failures).as("seed %d", seed).isEmpty();
        new LedgerInvariants(jdbc).check("after fuzzing (seed " + seed + ")");
    }

    private static String malformed(SplittableRandom random) {
        String[] broken = {"{", "}", "[]", "null", "\"x\"", "{\"a\":}", "{\"lines\":[{]}", "{'single':'quotes'}", "{\"a\":1,}", "\u0000",
                "{\"member\":{\"cardNumber\":", "[" + "[".repeat(300) + "]".repeat(300) + "]", "{\"quantity\":1e99999}", "tru"};
        return broken[random.nextInt(broken.length)];
    }

    private static Map<String, Object> object(SplittableRandom random, int depth) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        int fields = random.nextInt(0, 8);
        for (int i = 0; i < fields; i++) {
            String name = random.nextInt(10) < 8 ? FIELDS[random.nextInt(FIELDS.length)] : "x" + random.nextInt(1000);
            o.put(name, value(random, depth + 1));
        }
        return o;
    }

    private static Object value(SplittableRandom random, int depth) {
        int kind = random.nextInt(depth > 3 ? 7 : 9);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt(10) == 0 ? Long.MAX_VALUE : random.nextLong(-1_000_000, 1_000_000);
            case 3 -> new java.math.BigDecimal(random.nextInt(10) == 0 ? "1234567890123456789012345678901234567890.123456789"
                    : Double.toString(random.nextDouble(-1e6, 1e6)));
            case 4 -> HOSTILE[random.nextInt(HOSTILE.length)];
            case 5 -> "s".repeat(random.nextInt(10) == 0 ? 20_000 : random.nextInt(0, 80));
            case 6 -> TestData.email();
            case 7 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(0, 4); i > 0; i--) {
                    list.add(random.nextBoolean() ? object(random, depth + 1) : value(random, depth + 1));
                }
                yield list;
            }
            default -> object(random, depth + 1);
        };
    }
}
