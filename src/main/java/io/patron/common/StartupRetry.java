package io.patron.common;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step of starting up that needs the database (the migrations, the first-start bootstrap, the
 * programme's first read, resuming background jobs) waits out a database that is briefly away, as it is answered by
 * every request meanwhile with a 503: a connection cut or a database restart at the moment an instance
 * starts must not make it exit. The step is tried again for up to a minute, with pauses growing to 5
 * seconds; any other failure, or a database still away after that, fails the start as before.
 */
public final class StartupRetry {

    private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);
    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private StartupRetry() {
    }

    public static void run(String step, Runnable work) {
        run(step, work, PATIENCE, FIRST_PAUSE);
    }

    static void run(String step, Runnable work, Duration patience, Duration firstPause) {
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = firstPause.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                return;
            } catch (RuntimeException e) {
                if (!DatabaseUnavailable.cause(e) || System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw e;
                }
                log.warn("Database unavailable while starting ({}), attempt {}; trying again in {} ms: {}", step, attempt, pause, e.toString());
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the database to start " + step, interrupted);
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE.toMillis());
        }
    }
}
