package io.patron.till;

import java.nio.file.Path;

/**
 * A till in a process of its own, for the test that kills it: queues {@code n} sales for a Patron
 * that cannot be reached, says so, and waits to be killed.
 *   QueueAndWait QUEUE_DIR BASE_URL CARD N RUN
 */
public final class QueueAndWait {

    public static void main(String[] args) throws Exception {
        TillClient till = TillClient.builder().baseUrl(args[1]).key(PatronProcess.TILL_KEY).queueDirectory(Path.of(args[0]))
                .timeouts(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1)).build();
        int n = Integer.parseInt(args[3]);
        for (int i = 0; i < n; i++) {
            till.sell(OfflineTillTest.sale(args[4] + "-" + i, args[2], java.time.OffsetDateTime.now()));
        }
        System.out.println("QUEUED " + till.stats().waiting());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
