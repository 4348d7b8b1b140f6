package io.patron.common;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The migrations at start wait out a database briefly away ({@link StartupRetry}), as the steps after
 * them do: each migration is one transaction on PostgreSQL, so one cut short is rolled back and run
 * again, and those already applied are skipped.
 */
@Configuration(proxyBeanMethods = false)
class MigrationConfig {

    @Bean
    FlywayMigrationStrategy retryingMigrations() {
        return flyway -> StartupRetry.run("migrations", flyway::migrate);
    }
}
