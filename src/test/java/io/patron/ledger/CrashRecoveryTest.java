package io.patron.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Patron is killed with SIGKILL in the middle of till traffic and started again on the same
 * database; the tills retry everything that was not acknowledged. Afterwards every receipt exists
 * exactly once, every acknowledged answer is what a retry now replays, and the ledger balances.
 */
@Tag("db")
class CrashRecoveryTest {

    private static final String KEY = "pt_till_crash_test_key_000000001";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void everyRetriedReceiptIsRecordedExactlyOnceAfterAKill() throws Exception {
        String url = database();
        int port = freePort();
        Process server = start(url, port, "first");
        String base = "http://localhost:" + port;
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cards.add(Api.bearer(port, KEY).post("/api/v1/members", "{\"firstName\":\"Crash" + i + "\"}").json()
                    .path("cardNumber").asString());
        }
        Map<String, String> bodies = new ConcurrentHashMap<>();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch clientsDone = new CountDownLatch(4);
        for (int c = 0; c < 4; c++) {
            int client = c;
            Thread.ofPlatform().start(() -> {
                try {
                    for (int n = 0; running.get() && n < 100_000; n++) {
                        String receipt = "CR-" + client + "-" + n;
                        String body = "{\"receiptId\":\"" + receipt + "\",\"member\":{\"cardNumber\":\"" + cards.get(n % 3)
                                + "\"},\"lines\":[{\"lineId\":\"1\",\"category\":\"home\",\"quantity\":" + (1 + n % 3)
                                + ",\"unitPrice\":" + (100 + n % 50) + ".50}]}";
                        bodies.put(receipt, body);
                        send(base, body).ifPresent(answer -> acknowledged.put(receipt, answer));
                    }
                } finally {
                    clientsDone.countDown();
                }
            });
        }
        Thread.sleep(4_000);
        server.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no graceful anything
        running.set(false);
        clientsDone.await();
        assertThat(acknowledged).as("some receipts were acknowledged before the kill").isNotEmpty();

        server = start(url, port, "second");
        try {
            for (var receipt : bodies.entrySet()) {
                String answer = null;
                for (int attempt = 0; answer == null && attempt < 20; attempt++) {
                    answer = send(base, receipt.getValue()).orElse(null);
                }
                assertThat(answer).as("retry of " + receipt.getKey()).isNotNull();
                String first = acknowledged.get(receipt.getKey());
                if (first != null) {
                    assertThat(answer).as("a retry replays the acknowledged answer").isEqualTo(first);
                }
            }
        } finally {
            server.destroy();
            server.waitFor();
        }

        try (Connection connection = DriverManager.getConnection(url, user(), "")) {
            JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
            long recorded = jdbc.sql("SELECT COUNT(*) FROM purchases WHERE receipt_id LIKE 'CR-%'").query(Long.class).single();
            long distinct = jdbc.sql("SELECT COUNT(DISTINCT receipt_id) FROM purchases WHERE receipt_id LIKE 'CR-%'").query(Long.class).single();
            assertThat(recorded).isEqualTo(bodies.size()).isEqualTo(distinct);
            long earnedTransfers = jdbc.sql("SELECT COUNT(*) FROM point_transfers WHERE code = 'EARN_PURCHASE'").query(Long.class).single();
            assertThat(earnedTransfers).as("one earning per purchase").isEqualTo(recorded);
            new LedgerInvariants(jdbc).check("after the crash");
        }
    }

    /** One answer for a commit: the body of a 201 or replayed 200; empty when the server was unreachable. */
    private static java.util.Optional<String> send(String base, String body) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/purchases"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 201 || r.statusCode() == 200) {
                return java.util.Optional.of(r.body());
            }
            if (r.statusCode() >= 500 || r.statusCode() == 409 && r.body().contains("REQUEST_IN_PROGRESS")) {
                return java.util.Optional.empty();
            }
            throw new AssertionError("unexpected answer " + r.statusCode() + " " + r.body());
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private String database() throws Exception {
        if (!IntegrationTest.onPostgresql()) {
            return "jdbc:h2:file:" + dir.resolve("crash").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        }
        String base = System.getProperty("patron.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/patron_test");
        String server = base.substring(0, base.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(server + "postgres", user(), "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS patron_crash");
            c.createStatement().execute("CREATE DATABASE patron_crash");
        }
        return server + "patron_crash";
    }

    private static String user() {
        return IntegrationTest.onPostgresql() ? System.getProperty("patron.test.pg.user", "postgres") : "sa";
    }

    private Process start(String url, int port, String name) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath, "io.patron.PatronApplication", "--server.port=" + port,
                "--logging.level.patron.requests=WARN", "--patron.bootstrap.demo-members=false")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PATRON_DB_URL", url);
        builder.environment().put("PATRON_DB_USER", user());
        builder.environment().put("PATRON_DB_PASSWORD", "");
        builder.environment().put("PATRON_BOOTSTRAP_TILL_KEY", KEY);
        builder.environment().put("PATRON_DATA_DIR", dir.toString());
        Process process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Patron did not start: " + Files.readString(log));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new AssertionError("Patron did not answer within 90 s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
