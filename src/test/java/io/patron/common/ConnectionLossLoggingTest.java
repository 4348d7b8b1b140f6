package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionSystemException;

class ConnectionLossLoggingTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void wire() {
        context.addTurboFilter(new ConnectionLossLogging(meters, now::get));
        appender.setContext(context);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    private static SQLException terminated() {
        return new SQLException("FATAL: terminating connection due to administrator command", "57P01");
    }

    private double suppressed() {
        return meters.get("patron.log.suppressed").counter().count();
    }

    @Test
    void aLostConnectionIsLoggedOnceAMinutePerLoggerAndTheRepeatsCounted() {
        Logger pool = context.getLogger("com.zaxxer.hikari.pool.ProxyConnection");
        Logger transactions = context.getLogger("org.springframework.transaction.support.TransactionTemplate");
        for (int i = 0; i < 50; i++) {
            // The pool passes the exception as the last argument of a parameterised message.
            pool.warn("{} - Connection {} marked as broken because of SQLSTATE({})", "HikariPool-1", "c" + i, "57P01", terminated());
            transactions.error("Application exception overridden by rollback exception",
                    new TransactionSystemException("JDBC rollback failed", terminated()));
        }
        assertThat(appender.list).hasSize(2);
        assertThat(appender.list.get(0).getThrowableProxy()).as("the first one keeps its stack trace").isNotNull();
        assertThat(suppressed()).isEqualTo(98);

        now.addAndGet(ConnectionLossLogging.INTERVAL_MILLIS);
        pool.warn("{} - Connection {} marked as broken because of SQLSTATE({})", "HikariPool-1", "c", "57P01", terminated());
        assertThat(appender.list).as("a minute later the next one is logged again").hasSize(3);
    }

    @Test
    void otherFailuresAndOtherLoggersAreNeverHeldBack() {
        Logger transactions = context.getLogger("org.springframework.transaction.interceptor.TransactionInterceptor");
        Logger patron = context.getLogger("io.patron.common.ApiProblemHandler");
        for (int i = 0; i < 10; i++) {
            transactions.error("Application exception overridden by rollback exception", new IllegalStateException("a bug"));
            transactions.error("Application exception overridden by rollback exception",
                    new SQLException("duplicate key value violates unique constraint", "23505"));
            patron.warn("Database unavailable: {}", "x", terminated());
        }
        assertThat(appender.list).hasSize(30);
        assertThat(suppressed()).isZero();
    }
}
