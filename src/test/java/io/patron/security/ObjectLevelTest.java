package io.patron.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.PortalSession;
import io.patron.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Object-level checks: a member reaches only their own coupons and rewards however they change an
 * id; a till sees of a member what identifies them, not their contact details; a till of one store
 * cannot read or return another store's sale; and no request can set points, a tier, a status or a
 * role that the endpoint does not take.
 */
class ObjectLevelTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    io.patron.stores.Stores stores;

    @Test
    void aMemberCannotReachAnotherMembersCouponsOrRewards() throws Exception {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        String emailA = TestData.email();
        JsonNode a = till.post("/api/v1/members", Api.json(Map.of("email", emailA))).json();
        JsonNode b = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json();
        String tag = "OL" + System.nanoTime() % 100_000_000L;
        long campaign = admin.post("/api/v1/coupon-campaigns", Api.json(Map.of("code", tag, "name", "Own", "effectType", "FIXED_DISCOUNT",
                "effectValue", 10))).json().path("campaign").path("id").asLong();
        String bCoupon = admin.post("/api/v1/coupon-campaigns/" + campaign + "/issue", Api.json(Map.of("memberId", b.path("id").asLong())))
                .json().path("code").asString();
        admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/members/" + b.path("id").asLong()
                        + "/adjustments")).header("Content-Type", "application/json").header("Idempotency-Key", "ol-" + System.nanoTime())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":500,\"reason\":\"test\"}")));
        long item = admin.post("/api/v1/rewards", Api.json(Map.of("code", tag, "name", "Mug " + tag, "kind", "GIFT", "pointsPrice", 100, "stock", 5)))
                .json().path("id").asLong();
        long redemption = admin.post("/api/v1/members/" + b.path("id").asLong() + "/rewards/" + item + "/redeem", "{}").json().path("id").asLong();

        PortalSession memberA = PortalSession.signIn(port, jdbc, emailA);
        assertThat(memberA.get("/portal/coupons/" + bCoupon + "/qr.svg").statusCode()).as("B's coupon through A's session").isEqualTo(404);
        assertThat(memberA.get("/portal/coupons").body()).doesNotContain(bCoupon);
        memberA.post("/portal/rewards/redemptions/" + redemption + "/cancel", "");
        assertThat(admin.get("/api/v1/members/" + b.path("id").asLong() + "/reward-redemptions").body()).contains("\"status\":\"ORDERED\"")
                .doesNotContain("CANCELLED");
        assertThat(memberA.get("/portal").body()).doesNotContain(b.path("cardNumber").asString());
    }

    @Test
    void aTillSeesWhatIdentifiesAMemberAndOnlyItsOwnStoresSales() {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        String email = TestData.email();
        String phone = TestData.phone();
        JsonNode member = till.post("/api/v1/members", Api.json(Map.of("email", email, "phone", phone, "firstName", "Nina"))).json();
        JsonNode seen = till.get("/api/v1/members?cardNumber=" + member.path("cardNumber").asString()).json().path("items").get(0);
        assertThat(seen.path("firstName").asString()).isEqualTo("Nina");
        for (String hidden : List.of("email", "phone", "birthDate", "lastName", "referralCode", "cards")) {
            assertThat(seen.path(hidden).isNull() || seen.path(hidden).isMissingNode()).as(hidden + " in " + seen).isTrue();
        }
        assertThat(till.get("/api/v1/members/" + member.path("id").asLong()).status()).as("no lookup by id for a till").isEqualTo(403);
        assertThat(admin.get("/api/v1/members/" + member.path("id").asLong()).json().path("email").asString()).isEqualTo(email);

        long sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "OL-" + System.nanoTime(), "member", Map.of("cardNumber",
                member.path("cardNumber").asString()), "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 90)))))
                .json().path("purchaseId").asLong();
        var other = stores.create("OL" + System.nanoTime() % 100_000_000L, "Other", "UTC");
        Api tillB = Api.bearer(port, stores.createTill(other.id(), "B", null).key());
        assertThat(tillB.get("/api/v1/purchases/" + sale).status()).as("another store's sale").isIn(403, 404);
        assertThat(tillB.post("/api/v1/purchases/" + sale + "/returns", Api.json(Map.of("returnId", "OLR-" + System.nanoTime(),
                "lines", List.of(Map.of("lineId", "1", "quantity", 1))))).status()).isIn(403, 404);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM purchase_returns WHERE purchase_id = :p").param("p", sale).query(Long.class).single()).isZero();
    }

    @Test
    void noRequestSetsPointsATierAStatusOrARole() {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api.Response enrol = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "points", 100000)));
        assertThat(enrol.status()).isEqualTo(400);
        assertThat(enrol.json().path("errors").get(0).path("field").asString()).isEqualTo("points");
        long id = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("id").asLong();
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("tier", "12 %"), Map.of("balance", 1000), Map.of("status", "ACTIVE"),
                Map.of("roles", List.of("ADMIN")), Map.of("mergedInto", 1))) {
            Api.Response r = admin.patch("/api/v1/members/" + id, Api.json(body));
            assertThat(r.status()).as(body.toString()).isEqualTo(400);
        }
        assertThat(till.get("/api/v1/members/" + id + "/account").json().path("pointsAvailable").asLong()).isZero();
        Api.Response sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "OLM-" + System.nanoTime(), "pointsEarned", 5000,
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 10)))));
        assertThat(sale.status()).isEqualTo(400);
    }
}
