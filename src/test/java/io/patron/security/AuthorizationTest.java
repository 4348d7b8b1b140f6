package io.patron.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.stores.IssuedTillKey;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Who may call what: anonymous callers, tills of two stores, admin users with each role, tokens. */
class AuthorizationTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Stores stores;

    @Autowired
    AdminUsers adminUsers;

    Store storeB;
    Api tillA;
    Api tillB;
    Api admin;

    @BeforeEach
    void setUp() {
        String code = "B" + System.nanoTime() % 1_000_000_000L;
        storeB = stores.create(code, "Store " + code, "Europe/Chisinau");
        IssuedTillKey keyB = stores.createTill(storeB.id(), "Till B", null);
        tillA = Api.bearer(port, DEMO_TILL_KEY);
        tillB = Api.bearer(port, keyB.key());
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
    }

    @Test
    void anonymousCallersGet401ProblemsExceptForHealth() {
        Api anonymous = Api.anonymous(port);
        for (String path : new String[] {"/api/v1/members?cardNumber=2000000000015", "/api/v1/stores", "/actuator/prometheus"}) {
            Api.Response r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.isProblem()).as(path).isTrue();
        }
        assertThat(anonymous.post("/api/v1/members", "{}").status()).isEqualTo(401);
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void anUnknownOrMalformedKeyIs401() {
        assertThat(Api.bearer(port, "pt_till_not_a_key_at_all_123456").get("/api/v1/stores/current").code())
                .isEqualTo("INVALID_API_KEY");
        assertThat(Api.bearer(port, "x".repeat(500)).get("/api/v1/stores/current").status()).isEqualTo(401);
        assertThat(Api.basic(port, "admin", "wrong-password").get("/api/v1/stores").status()).isEqualTo(401);
    }

    @Test
    void aTillCannotCallAdminEndpoints() {
        assertThat(tillA.get("/api/v1/stores").status()).isEqualTo(403);
        assertThat(tillA.post("/api/v1/stores", "{\"code\":\"X\",\"name\":\"X\",\"timeZone\":\"UTC\"}").status()).isEqualTo(403);
        assertThat(tillA.get("/api/v1/members").status()).isEqualTo(400); // must identify a member
        assertThat(tillA.patch("/api/v1/members/1", "{\"firstName\":\"Hacker\"}").status()).isEqualTo(403);
        assertThat(tillA.get("/api/v1/members/1/export").status()).isEqualTo(403);
        assertThat(tillA.post("/api/v1/members/1/erase", "").status()).isEqualTo(403);
        assertThat(tillA.post("/api/v1/stores/" + storeB.id() + "/tills", "{\"name\":\"rogue\"}").status()).isEqualTo(403);
        assertThat(tillA.get("/actuator/prometheus").status()).isEqualTo(403);
        Api.Response r = tillA.get("/api/v1/stores");
        assertThat(r.isProblem()).isTrue();
        assertThat(r.code()).isEqualTo("FORBIDDEN");
    }

    @Test
    void aTillActsOnlyForItsOwnStore() {
        assertThat(tillB.get("/api/v1/stores/current").json().path("id").asLong()).isEqualTo(storeB.id().value());
        assertThat(tillB.get("/api/v1/stores/" + storeB.id()).status()).isEqualTo(200);
        assertThat(tillA.get("/api/v1/stores/" + storeB.id()).code()).isEqualTo("STORE_FORBIDDEN");
        Api.Response forOtherStore = tillA.post("/api/v1/members",
                Api.json(Map.of("email", TestData.email(), "storeId", storeB.id().value())));
        assertThat(forOtherStore.status()).isEqualTo(403);
        assertThat(forOtherStore.code()).isEqualTo("STORE_FORBIDDEN");
        Api.Response ownStore = tillB.post("/api/v1/members", Api.json(Map.of("email", TestData.email())));
        assertThat(ownStore.status()).isEqualTo(201);
    }

    @Test
    void aRotatedOrRevokedKeyStopsWorking() {
        IssuedTillKey issued = stores.createTill(storeB.id(), "Till to rotate", null);
        Api oldKey = Api.bearer(port, issued.key());
        assertThat(oldKey.get("/api/v1/stores/current").status()).isEqualTo(200);

        Api.Response rotated = admin.post("/api/v1/tills/" + issued.till().id() + "/rotate", "");
        assertThat(rotated.status()).isEqualTo(200);
        Api newKey = Api.bearer(port, rotated.json().path("key").asString());
        assertThat(oldKey.get("/api/v1/stores/current").status()).isEqualTo(401);
        assertThat(newKey.get("/api/v1/stores/current").status()).isEqualTo(200);
        // The key is shown once: listing tills shows hints, never keys.
        assertThat(admin.get("/api/v1/stores/" + storeB.id() + "/tills").body()).doesNotContain(rotated.json().path("key").asString());

        assertThat(admin.post("/api/v1/tills/" + issued.till().id() + "/revoke", "").status()).isEqualTo(200);
        assertThat(newKey.get("/api/v1/stores/current").status()).isEqualTo(401);
    }

    @Test
    void adminRolesAreCheckedOnEveryWrite() {
        String name = "analyst" + System.nanoTime() % 1_000_000;
        adminUsers.create(name, "analyst-password-1", "Analyst", Set.of(AdminRole.ANALYST), io.patron.common.Language.en);
        Api analyst = Api.basic(port, name, "analyst-password-1");
        assertThat(analyst.get("/api/v1/stores").status()).isEqualTo(200);
        assertThat(analyst.get("/api/v1/members?q=a").status()).isEqualTo(200);
        assertThat(analyst.post("/api/v1/members", "{}").status()).isEqualTo(403);
        assertThat(analyst.patch("/api/v1/members/1", "{}").status()).isEqualTo(403);
        assertThat(analyst.post("/api/v1/stores", "{}").status()).isEqualTo(403);
        assertThat(analyst.get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(admin.get("/actuator/prometheus").status()).isEqualTo(200);
    }

    @Test
    void anAdminTokenActsWithItsUsersRolesUntilRevoked() {
        AdminUser user = adminUsers.findByUsername("admin").orElseThrow();
        IssuedAdminToken token = adminUsers.createToken(user.id(), "test script");
        Api script = Api.bearer(port, token.secret());
        assertThat(script.get("/api/v1/stores").status()).isEqualTo(200);
        adminUsers.revokeToken(user.id(), token.token().id());
        assertThat(script.get("/api/v1/stores").status()).isEqualTo(401);
    }
}
