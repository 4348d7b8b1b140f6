package io.patron;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Another Patron instance in the same JVM on the test's own database (H2 in memory is shared within
 * the JVM, PostgreSQL is shared anyway), as a second node behind a load balancer would be: its own
 * caches, pools and schedulers; the schema is the first instance's.
 */
public final class SecondInstance {

    private SecondInstance() {
    }

    public static ConfigurableApplicationContext start(DataSource dataSource, Clock clock) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", 0);
        HikariDataSource hikari = (HikariDataSource) dataSource;
        props.put("spring.datasource.url", hikari.getJdbcUrl());
        props.put("spring.datasource.username", hikari.getUsername());
        props.put("spring.datasource.password", hikari.getPassword() == null ? "" : hikari.getPassword());
        props.put("spring.flyway.enabled", false);
        props.put("patron.bootstrap.admin-password", IntegrationTest.ADMIN_PASSWORD);
        props.put("patron.bootstrap.till-key", IntegrationTest.DEMO_TILL_KEY);
        for (String job : new String[] {"ledger.expiry-initial-delay-millis", "draws.initial-delay-millis", "partners.initial-delay-millis",
                "journeys.initial-delay-millis", "segments.rfm-initial-delay-millis", "analytics.initial-delay-millis",
                "analytics.tiers-initial-delay-millis", "offers.initial-delay-millis", "offers.profiles-initial-delay-millis"}) {
            props.put("patron." + job, 86_400_000);
        }
        props.put("logging.level.patron.requests", "WARN");
        // As command-line arguments: they outrank application.yml (builder properties would not).
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(PatronApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("testClock", clock))
                .run(args);
    }

    public static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
