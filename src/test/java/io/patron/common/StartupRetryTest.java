package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

class StartupRetryTest {

    private static RuntimeException connectionCut() {
        return new TransactionSystemException("JDBC rollback failed",
                new SQLException("FATAL: terminating connection due to administrator command", "57P01"));
    }

    @Test
    void aStepIsTriedAgainWhileTheDatabaseIsAwayAndRunsOnceItIsBack() {
        AtomicInteger attempts = new AtomicInteger();
        StartupRetry.run("test", () -> {
            if (attempts.incrementAndGet() < 4) {
                throw connectionCut();
            }
        }, Duration.ofSeconds(10), Duration.ofMillis(1));
        assertThat(attempts).hasValue(4);
    }

    @Test
    void anyOtherFailureFailsTheStartAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> StartupRetry.run("test", () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("a bug");
        }, Duration.ofSeconds(10), Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aDatabaseStillAwayAfterThePatienceFailsTheStart() {
        AtomicInteger attempts = new AtomicInteger();
        long started = System.nanoTime();
        assertThatThrownBy(() -> StartupRetry.run("test", () -> {
            attempts.incrementAndGet();
            throw new DataAccessResourceFailureException("Connection refused");
        }, Duration.ofMillis(300), Duration.ofMillis(10))).isInstanceOf(DataAccessResourceFailureException.class);
        assertThat(attempts.get()).isBetween(2, 10);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
