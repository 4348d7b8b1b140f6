package io.patron.till;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.till.model.MemberRef;
import io.patron.till.model.PurchaseLine;
import io.patron.till.model.PurchaseRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The till SDK against a real Patron on PostgreSQL: a day's sales made while Patron is down are queued
 * and recorded exactly once, with their own times, when it is back; a till killed with sales in its
 * queue sends them after its restart; a sale refused for its own reason is not retried.
 */
class OfflineTillTest {

    private static PatronProcess patron;
    private static final List<String> cards = new ArrayList<>();

    @BeforeAll
    static void startPatron() throws Exception {
        patron = new PatronProcess(18990 + (int) (ProcessHandle.current().pid() % 50), "patron_sdk_test");
        patron.freshDatabase();
        patron.start();
        for (int i = 0; i < 20; i++) {
            cards.add(patron.enrol("sdk" + i + "-" + System.nanoTime() + "@example.org"));
        }
    }

    @AfterAll
    static void stopPatron() throws Exception {
        patron.kill();
    }

    static PurchaseRequest sale(String receipt, String card, OffsetDateTime at) {
        return new PurchaseRequest().receiptId(receipt).occurredAt(at.truncatedTo(ChronoUnit.MILLIS).withOffsetSameInstant(ZoneOffset.UTC))
                .member(new MemberRef().cardNumber(card)).pointsToRedeem(0L)
                .lines(List.of(new PurchaseLine().lineId("1").sku("85123A").category("home").quantity(BigDecimal.ONE)
                        .unitPrice(new BigDecimal("250.00"))));
    }

    private TillClient till(Path queue) {
        return TillClient.builder().baseUrl(patron.baseUrl()).key(PatronProcess.TILL_KEY).queueDirectory(queue)
                .timeouts(Duration.ofMillis(500), Duration.ofSeconds(10)).build();
    }

    @Test
    void aDayOfSalesWhilePatronIsAwayIsRecordedOnceWithItsOwnTimesWhenPatronIsBack(@TempDir Path queue) throws Exception {
        String run = "OFF" + System.nanoTime();
        Map<String, OffsetDateTime> soldAt = new HashMap<>();
        try (TillClient till = till(queue)) {
            for (int i = 0; i < 10; i++) {
                OffsetDateTime at = OffsetDateTime.now();
                soldAt.put(run + "-" + i, at.truncatedTo(ChronoUnit.MILLIS));
                assertThat(till.sell(sale(run + "-" + i, cards.get(i % cards.size()), at))).isInstanceOf(Outcome.Recorded.class);
            }
            patron.kill();
            for (int i = 10; i < 1010; i++) {
                OffsetDateTime at = OffsetDateTime.now();
                soldAt.put(run + "-" + i, at.truncatedTo(ChronoUnit.MILLIS));
                assertThat(till.sell(sale(run + "-" + i, cards.get(i % cards.size()), at))).as("sale " + i).isInstanceOf(Outcome.Queued.class);
            }
            assertThat(till.stats().waiting()).isEqualTo(1000);
            patron.start();
            assertThat(till.flush(Duration.ofMinutes(5))).as("the queue empties once Patron is back").isTrue();
            assertThat(till.stats().recorded()).isEqualTo(1010);
            assertThat(till.stats().rejected()).isZero();
        }
        try (Connection c = patron.connect()) {
            ResultSet rs = c.createStatement().executeQuery("SELECT receipt_id, occurred_at, COUNT(*) OVER (PARTITION BY receipt_id) "
                    + "FROM purchases WHERE receipt_id LIKE '" + run + "-%'");
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertThat(rs.getInt(3)).as("recorded once: " + rs.getString(1)).isEqualTo(1);
                assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).as("the sale's own time: " + rs.getString(1))
                        .isEqualTo(soldAt.get(rs.getString(1)).toInstant());
            }
            assertThat(rows).isEqualTo(1010);
            ResultSet lots = c.createStatement().executeQuery("SELECT COUNT(*) FROM point_lots l JOIN purchases p ON p.id = l.purchase_id "
                    + "WHERE p.receipt_id LIKE '" + run + "-%' AND l.expires_at <> p.occurred_at + INTERVAL '12 months'");
            lots.next();
            assertThat(lots.getLong(1)).as("points expire twelve months after the sale itself").isZero();
            // Points mature a pending period after the sale reached Patron (a late sale must not skip the
            // return window): one and the same period for the sales sent at once and those sent later.
            ResultSet pending = c.createStatement().executeQuery("SELECT COUNT(DISTINCT l.available_from - GREATEST(p.occurred_at, l.created_at)) "
                    + "FROM point_lots l JOIN purchases p ON p.id = l.purchase_id "
                    + "WHERE p.receipt_id LIKE '" + run + "-%'");
            pending.next();
            assertThat(pending.getLong(1)).as("one pending period, counted from arrival").isEqualTo(1);
        }
    }

    @Test
    void aTillKilledWithSalesInItsQueueSendsThemAfterItsRestart(@TempDir Path queue) throws Exception {
        String run = "KIL" + System.nanoTime();
        Process till = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), QueueAndWait.class.getName(), queue.toString(), "http://127.0.0.1:1",
                cards.getFirst(), "200", run).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(till.getInputStream()))) {
            StringBuilder said = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("QUEUED")) {
                said.append(line).append('\n');
            }
            assertThat(line).as("the till process said:\n" + said).isEqualTo("QUEUED 200");
        }
        till.destroyForcibly();
        till.waitFor();
        try (TillClient restarted = till(queue)) {
            assertThat(restarted.stats().waiting()).as("nothing lost with the till").isEqualTo(200);
            assertThat(restarted.flush(Duration.ofMinutes(2))).isTrue();
        }
        try (Connection c = patron.connect()) {
            ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), COUNT(DISTINCT receipt_id) FROM purchases WHERE receipt_id LIKE '"
                    + run + "-%'");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(200);
            assertThat(rs.getLong(2)).isEqualTo(200);
        }
    }

    @Test
    void aSaleRefusedForItsOwnReasonIsNotSentAgain(@TempDir Path queue) throws Exception {
        try (TillClient till = till(queue)) {
            Outcome outcome = till.sell(sale("REJ" + System.nanoTime(), cards.getFirst(), OffsetDateTime.now()).pointsToRedeem(1_000_000L));
            assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
                assertThat(r.status()).isEqualTo(422);
                assertThat(r.code()).isEqualTo("INSUFFICIENT_POINTS");
            });
            assertThat(till.stats().waiting()).isZero();
        }
    }
}
