package io.patron.common;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps the log readable while the database's connections are being cut. Each lost connection makes
 * the pool and the transaction machinery log a full stack trace (a pool marking the connection broken,
 * a rollback that failed on the dead connection), dozens per second under till traffic: hundreds of
 * megabytes in half an hour, burying everything else. Those libraries' warnings about a lost connection
 * are let through once a minute per logger, with their stack trace; the repeats are counted in
 * {@code patron.log.suppressed}. Every affected request still logs its own line ("Database unavailable
 * answering …") and is answered 503, and any other warning from these loggers passes untouched.
 */
@Component
class ConnectionLossLogging extends TurboFilter {

    static final long INTERVAL_MILLIS = 60_000;
    static final Set<String> LOGGERS = Set.of(
            "com.zaxxer.hikari.pool.ProxyConnection",
            "com.zaxxer.hikari.pool.PoolBase",
            "org.springframework.transaction.support.TransactionTemplate",
            "org.springframework.transaction.interceptor.TransactionInterceptor",
            "org.springframework.jdbc.support.JdbcTransactionManager",
            "org.springframework.jdbc.datasource.DataSourceTransactionManager",
            // A scheduled job (ours, or Spring Session's clean-up of expired sign-ins) that failed on a lost connection.
            "org.springframework.scheduling.support.TaskUtils$LoggingErrorHandler");

    private final Counter suppressed;
    private final LongSupplier clock;
    private final Map<String, Long> nextAllowed = new ConcurrentHashMap<>();

    @Autowired
    ConnectionLossLogging(MeterRegistry meters) {
        this(meters, System::currentTimeMillis);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            setName("connection-loss");
            start();
            context.addTurboFilter(this);
        }
    }

    ConnectionLossLogging(MeterRegistry meters, LongSupplier clock) {
        this.suppressed = Counter.builder("patron.log.suppressed")
                .description("Repeated connection-loss stack traces from the pool and transaction managers left out of the log")
                .register(meters);
        this.clock = clock;
    }

    @PreDestroy
    void remove() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getTurboFilterList().remove(this);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // Consulted on every logging call of the application, enabled or not: the cheap test first.
        if (level == null || level.levelInt < Level.WARN_INT || logger == null || !LOGGERS.contains(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        Throwable thrown = t != null ? t : lastThrowable(params);
        if (thrown == null || !DatabaseUnavailable.cause(thrown)) {
            return FilterReply.NEUTRAL;
        }
        long now = clock.getAsLong();
        Long next = nextAllowed.get(logger.getName());
        if (next == null || now >= next) {
            // Two threads may both pass at the turn of the minute; one extra line is harmless.
            nextAllowed.put(logger.getName(), now + INTERVAL_MILLIS);
            return FilterReply.NEUTRAL;
        }
        suppressed.increment();
        return FilterReply.DENY;
    }

    private static Throwable lastThrowable(Object[] params) {
        return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable thrown ? thrown : null;
    }
}
