package io.patron;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every test that needs the whole application and a database. The same tests run twice in
 * the build: on an in-memory H2 (PostgreSQL mode) and, with {@code -Dpatron.test.database=postgresql},
 * on PostgreSQL. All such tests share one application context; each test makes its own data (unique
 * e-mails, phones, cards) instead of assuming an empty database.
 */
@Tag("db")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "patron.bootstrap.admin-password=" + IntegrationTest.ADMIN_PASSWORD,
        "patron.bootstrap.till-key=" + IntegrationTest.DEMO_TILL_KEY,
        "logging.level.patron.requests=WARN",
        "patron.sms.http.report-token=" + IntegrationTest.SMS_REPORT_TOKEN,
        // Webhook receivers in tests listen on 127.0.0.1; the refusal of private targets is tested on TargetGuard itself.
        "patron.webhooks.allow-private-targets=true",
        "patron.webhooks.secret-key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "patron.webhooks.first-retry-millis=100",
        "patron.webhooks.timeout-millis=1000",
        // Every test signs in from 127.0.0.1; the per-address slow-down is unit-tested in SignInGuardTest.
        "patron.security.sign-in.free-failures-per-address=1000000",
        // Tests move the clock and run the expiry and draw jobs themselves; scheduled runs would race them.
        "patron.ledger.expiry-initial-delay-millis=86400000",
        "patron.draws.initial-delay-millis=86400000",
        "patron.partners.initial-delay-millis=86400000",
        "patron.journeys.initial-delay-millis=86400000",
        "patron.segments.rfm-initial-delay-millis=86400000",
        "patron.analytics.initial-delay-millis=86400000",
        "patron.analytics.tiers-initial-delay-millis=86400000",
        "patron.offers.initial-delay-millis=86400000",
        "patron.offers.profiles-initial-delay-millis=86400000",
        // Reactions to events run when a test asks (settle()), not on the dispatcher's timer.
        "patron.events.initial-delay-millis=86400000"})
@Import(IntegrationTest.CleanDatabase.class)
public abstract class IntegrationTest {

    public static final String ADMIN_PASSWORD = "test-admin-password-1";
    public static final String DEMO_TILL_KEY = "pt_till_test_demo_store_key_0001";
    public static final String SMS_REPORT_TOKEN = "sms-report-token-for-tests";

    @org.springframework.beans.factory.annotation.Autowired
    private io.patron.events.internal.EventDispatcher eventDispatcher;

    /** Lets every reaction to what happened so far run (journeys' mails …), as the dispatcher would after the commits. */
    protected void settle() {
        eventDispatcher.drain();
    }

    public static boolean onPostgresql() {
        return "postgresql".equals(System.getProperty("patron.test.database"));
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        if (onPostgresql()) {
            String url = System.getProperty("patron.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/patron_test");
            String user = System.getProperty("patron.test.pg.user", "postgres");
            createDatabaseIfMissing(url, user);
            registry.add("spring.datasource.url", () -> url);
            registry.add("spring.datasource.username", () -> user);
            registry.add("spring.datasource.password", () -> System.getProperty("patron.test.pg.password", ""));
        } else {
            registry.add("spring.datasource.url", () ->
                    "jdbc:h2:mem:patron;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
            registry.add("spring.datasource.username", () -> "sa");
            registry.add("spring.datasource.password", () -> "");
        }
        registry.add("spring.flyway.clean-disabled", () -> "false");
    }

    private static void createDatabaseIfMissing(String url, String user) {
        String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(admin, user, System.getProperty("patron.test.pg.password", ""));
             var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            if (!exists.executeQuery().next()) {
                c.createStatement().execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + admin + " as " + user
                    + ": start it (pg_ctlcluster <version> main start) or run .ci/run", e);
        }
    }

    /** Every test run starts from an empty schema, so leftovers of an earlier run cannot interfere. */
    @TestConfiguration(proxyBeanMethods = false)
    static class CleanDatabase {
        @Bean
        @org.springframework.context.annotation.Primary
        MutableClock testClock() {
            return new MutableClock();
        }

        /** In place of the application's own strategy (which only migrates). */
        @Bean
        @org.springframework.context.annotation.Primary
        FlywayMigrationStrategy cleanThenMigrate() {
            return (Flyway flyway) -> {
                flyway.clean();
                flyway.migrate();
            };
        }
    }
}
