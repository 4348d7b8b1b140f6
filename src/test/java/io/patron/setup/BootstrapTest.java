package io.patron.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.security.AdminUsers;
import io.patron.stores.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(OutputCaptureExtension.class)
class BootstrapTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Bootstrap bootstrap;

    @Autowired
    AdminUsers adminUsers;

    @Autowired
    Stores stores;

    @Test
    void theFirstStartCreatedAnAdminAndADemoStoreWithTheConfiguredSecrets() {
        assertThat(adminUsers.findByUsername("admin")).isPresent();
        var demo = stores.findByCode("DEMO").orElseThrow();
        assertThat(demo.timeZone().getId()).isEqualTo("Europe/Moscow");
        assertThat(stores.tills(demo.id())).hasSize(1);
        assertThat(Api.bearer(port, DEMO_TILL_KEY).get("/api/v1/stores/current").json().path("code").asString()).isEqualTo("DEMO");
        assertThat(Api.basic(port, "admin", ADMIN_PASSWORD).get("/api/v1/stores").status()).isEqualTo(200);
    }

    @Test
    void aRestartNeitherDuplicatesNorPrintsTheSecrets(CapturedOutput output) {
        long users = adminUsers.count();
        long storeCount = stores.count();
        var demo = stores.findByCode("DEMO").orElseThrow();
        bootstrap.run(new DefaultApplicationArguments());
        assertThat(adminUsers.count()).isEqualTo(users);
        assertThat(stores.count()).isEqualTo(storeCount);
        assertThat(stores.tills(demo.id())).hasSize(1);
        assertThat(output.getAll()).doesNotContain("first start").doesNotContain("Admin password");
    }
}
