package io.patron;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.patron.ledger.ExpiryJob;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two Patron instances behind one database, as behind a load balancer: the till's sales sent to both
 * at once are recorded once; a programme change made on one prices the other's quotes within 5
 * seconds; a till key made on one opens the other; a scheduled job running on one is skipped on the
 * other; an admin signed in on one is signed in on the other, and still after that instance restarts.
 */
class ScaleOutTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ExpiryJob expiry;

    @Test
    void twoInstancesShareSalesProgrammeKeysAndSignIns() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
        signIn(browser, port);
        int otherPort;
        try (ConfigurableApplicationContext other = SecondInstance.start(dataSource, clock)) {
            otherPort = SecondInstance.port(other);
            Api tillA = Api.bearer(port, DEMO_TILL_KEY);
            Api tillB = Api.bearer(otherPort, DEMO_TILL_KEY);
            String card = tillA.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();

            // The same receipts sent to both instances at once: each recorded once, both answers the same sale.
            List<Callable<Api.Response>> calls = new ArrayList<>();
            List<String> receipts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String receipt = "SO-" + System.nanoTime() + "-" + i;
                receipts.add(receipt);
                String body = Api.json(Map.of("receiptId", receipt, "member", Map.of("cardNumber", card),
                        "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100 + i))));
                calls.add(() -> tillA.postRetrying("/api/v1/purchases", body));
                calls.add(() -> tillB.postRetrying("/api/v1/purchases", body));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Api.Response> answers = new ArrayList<>();
            try {
                for (Future<Api.Response> f : pool.invokeAll(calls)) {
                    answers.add(f.get());
                }
            } finally {
                pool.shutdown();
            }
            assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(200, 201));
            for (int i = 0; i < receipts.size(); i++) {
                assertThat(answers.get(2 * i).json().path("purchaseId").asLong()).isEqualTo(answers.get(2 * i + 1).json().path("purchaseId").asLong());
                assertThat(jdbc.sql("SELECT COUNT(*) FROM purchases WHERE receipt_id = :r").param("r", receipts.get(i)).query(Long.class).single())
                        .isEqualTo(1);
            }

            // A programme change on A prices B's quotes within 5 seconds.
            Api adminA = Api.basic(port, "admin", ADMIN_PASSWORD);
            int original = Integer.parseInt(adminA.get("/api/v1/program").raw().headers().firstValue("Program-Version").orElseThrow());
            long before = quotePoints(tillB, card);
            ObjectNode document = (ObjectNode) adminA.get("/api/v1/program").json();
            ((ObjectNode) document.path("earning")).put("points", document.path("earning").path("points").asLong() * 3);
            assertThat(adminA.put("/api/v1/program", document.toString()).status()).isEqualTo(200);
            try {
                long started = System.nanoTime();
                long after = quotePoints(tillB, card);
                while (after == before && System.nanoTime() - started < Duration.ofSeconds(6).toNanos()) {
                    Thread.sleep(100);
                    after = quotePoints(tillB, card);
                }
                assertThat(after).as("B prices with A's change: three times the points, less rounding").isBetween(before * 3 - 2, before * 3 + 2);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThanOrEqualTo(Duration.ofSeconds(5));
            } finally {
                adminA.post("/api/v1/program/versions/" + original + "/activate", "");
            }

            // A till key made on A opens B.
            long store = adminA.get("/api/v1/stores").json().path("items").get(0).path("id").asLong();
            String key = adminA.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "scale-out"))).json().path("key").asString();
            assertThat(Api.bearer(otherPort, key).post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "SQ-" + System.nanoTime(),
                    "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 10))))).status()).isEqualTo(200);

            // While B runs the expiry job (holds its lock), A's turn is skipped; once B is done, A's runs.
            long sale = tillA.post("/api/v1/purchases", Api.json(Map.of("receiptId", "SX-" + System.nanoTime(), "member", Map.of("cardNumber", card),
                    "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 300))))).json().path("purchaseId").asLong();
            OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            jdbc.sql("UPDATE point_lots SET available_from = :from, expires_at = :until WHERE purchase_id = :p")
                    .param("from", now.minusDays(2)).param("until", now.minusDays(1)).param("p", sale).update();
            SimpleLock held = other.getBean(LockProvider.class)
                    .lock(new LockConfiguration(Instant.now(), "ledger-expiry", Duration.ofMinutes(5), Duration.ZERO)).orElseThrow();
            try {
                expiry.scheduled();
                assertThat(unexpired(sale)).as("A skipped the run B holds").isPositive();
            } finally {
                held.unlock();
            }
            expiry.scheduled();
            assertThat(unexpired(sale)).as("A ran once B was done").isZero();

            // Signed in on A: signed in on B.
            assertThat(adminPage(browser, otherPort)).isEqualTo(200);
        }
        // B stopped and started again: the sign-in holds.
        try (ConfigurableApplicationContext restarted = SecondInstance.start(dataSource, clock)) {
            assertThat(adminPage(browser, SecondInstance.port(restarted))).isEqualTo(200);
        }
    }

    private long unexpired(long purchase) {
        return jdbc.sql("SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE purchase_id = :p").param("p", purchase).query(Long.class).single();
    }

    private static long quotePoints(Api till, String card) {
        return till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "SQ-" + System.nanoTime(), "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 500))))).json().path("pointsEarned").asLong();
    }

    private static void signIn(HttpClient browser, int port) throws Exception {
        String login = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login);
        assertThat(csrf.find()).as(login).isTrue();
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + ADMIN_PASSWORD + "&_csrf=" + csrf.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.headers().firstValue("Location").orElse("")).endsWith("/admin");
        assertThat(adminPage(browser, port)).isEqualTo(200);
    }

    private static int adminPage(HttpClient browser, int port) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/members")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
