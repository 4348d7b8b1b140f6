package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.checkout.internal.BacktestRepository;
import io.patron.ledger.Ledger;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.program.Programs;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Back-tests. The central property: replaying a history under programme P (through the real
 * checkout and ledger) and back-testing P over the same history (in memory) give the same totals —
 * discounts, points issued and taken back, liability, members per tier, each rule's cost and reach.
 * Also: a different candidate gives different figures without touching live balances; cancelling;
 * bad requests.
 */
class BacktestTest extends IntegrationTest {

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    @LocalServerPort
    int port;

    @Autowired
    Programs programs;

    @Autowired
    HistoryImport history;

    @Autowired
    Backtests backtests;

    @Autowired
    BacktestRepository repository;

    @Autowired
    Stores stores;

    @Autowired
    Members members;

    @Autowired
    Ledger ledger;

    @Autowired
    Tiers tiers;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    Api admin;
    Api till;
    int original;

    @BeforeEach
    void setUp() {
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        till = Api.bearer(port, DEMO_TILL_KEY);
        original = programs.active().version();
    }

    @AfterEach
    void restore() {
        programs.activate(original);
    }

    /**
     * The demo programme with a rolling ladder and grace, a capped fixed discount with a budget, a
     * line-bound multiplier, a daily-capped bonus, a first-purchase bonus and a referral bonus.
     */
    private int programme(String tag, long earnPoints) {
        ObjectNode document = (ObjectNode) json.readTree(programs.documentJson(original));
        ObjectNode tiersNode = (ObjectNode) document.get("tiers");
        tiersNode.put("basis", "SPEND_ROLLING");
        tiersNode.put("rollingMonths", 2);
        tiersNode.put("graceMonths", 1);
        ((ObjectNode) document.get("earning")).put("points", earnPoints);
        document.set("referral", json.valueToTree(Map.of("referrerPoints", 200, "newcomerPoints", 100, "minimumPurchase", 300)));
        ArrayNode rules = (ArrayNode) document.get("rules");
        rules.add(json.valueToTree(rule("fixed-" + tag, "purchase.subtotal >= 1000.0", Map.of("type", "FIXED_DISCOUNT", "value", 50),
                "STACK", Map.of("budget", 1500), null)));
        rules.add(json.valueToTree(rule("acme-" + tag, "true", Map.of("type", "POINTS_MULTIPLIER", "value", 2), "STACK", null,
                "line.brand == 'Acme'")));
        rules.add(json.valueToTree(rule("daily-" + tag, "member.present == true", Map.of("type", "BONUS_POINTS", "value", 5), "STACK",
                Map.of("perMemberPerDay", 1), null)));
        rules.add(json.valueToTree(rule("first-" + tag, "member.purchaseCount == 0", Map.of("type", "BONUS_POINTS", "value", 100),
                "STACK", null, null)));
        return programs.save(json.writeValueAsString(document), "back-test " + tag, false).version();
    }

    private static Map<String, Object> rule(String id, String condition, Map<String, Object> effect, String stacking,
                                            Map<String, Object> caps, String lineCondition) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", id);
        rule.put("name", id);
        rule.put("condition", condition);
        if (lineCondition != null) {
            rule.put("lineCondition", lineCondition);
        }
        rule.put("effect", effect);
        rule.put("stacking", stacking);
        if (caps != null) {
            rule.put("caps", caps);
        }
        return rule;
    }

    private record Event(OffsetDateTime at, List<String> rows) {
    }

    /** 300 sales of 20 customers and anonymous buyers over 120 days, 40 returns; seeded, in time order. */
    private static String historyFile(String tag, List<String> customers) {
        Random random = new Random(20261122L);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        List<Event> events = new ArrayList<>();
        List<Event> sales = new ArrayList<>();
        Map<Event, String> customerOf = new HashMap<>();
        String[] categories = {"home", "food", "alcohol"};
        for (int i = 0; i < 300; i++) {
            OffsetDateTime at = now.minusDays(120).plusSeconds(random.nextLong(118L * 24 * 3600));
            String customer = random.nextInt(10) == 0 ? "" : customers.get(random.nextInt(customers.size()));
            List<String> rows = new ArrayList<>();
            int lines = 1 + random.nextInt(4);
            for (int l = 1; l <= lines; l++) {
                String category = categories[random.nextInt(categories.length)];
                String brand = random.nextBoolean() ? "Acme" : "Other";
                String price = BigDecimal.valueOf(500 + random.nextInt(90_000), 2).toPlainString();
                rows.add(String.join(",", "SALE", tag + "-S" + i, at.toString(), customer, String.valueOf(l), "SKU" + l, "Item",
                        category, brand, String.valueOf(1 + random.nextInt(3)), price, ""));
            }
            Event sale = new Event(at, rows);
            sales.add(sale);
            customerOf.put(sale, customer);
            events.add(sale);
        }
        for (int i = 0; i < 40; i++) {
            Event sale = sales.get(random.nextInt(sales.size()));
            OffsetDateTime at = sale.at().plusHours(1 + random.nextInt(240));
            if (at.isAfter(now.minusHours(1))) {
                continue;
            }
            String[] first = sale.rows().getFirst().split(",", -1);
            List<String> rows = new ArrayList<>();
            for (String row : sale.rows()) {
                String[] f = row.split(",", -1);
                if (random.nextBoolean() || rows.isEmpty() && row.equals(sale.rows().getLast())) {
                    rows.add(String.join(",", "RETURN", tag + "-R" + i, at.toString(), customerOf.get(sale), f[4], f[5], f[6], f[7],
                            f[8], random.nextBoolean() ? f[9] : "1", "", first[1]));
                }
            }
            events.add(new Event(at, rows));
        }
        events.sort(Comparator.comparing(Event::at));
        StringBuilder file = new StringBuilder(String.join(",", HistoryImport.PATRON_HEADER)).append('\n');
        events.forEach(e -> e.rows().forEach(r -> file.append(r).append('\n')));
        return file.toString();
    }

    private Backtest finished(long id) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Backtest b = backtests.get(id);
            if (b.status().finished()) {
                return b;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("back-test " + id + " did not finish in 60 s");
    }

    @Test
    void aReplayAndABackTestOfTheSameProgrammeOverTheSameHistoryGiveTheSameTotals() throws Exception {
        String tag = "bt" + System.nanoTime() % 1_000_000_000L;
        int version = program(tag);
        programs.activate(version);
        // A referrer and a newcomer they brought, both buying in the history.
        JsonNode referrer = till.post("/api/v1/members", Api.json(Map.of("externalId", tag + "-R", "email", io.patron.TestData.email()))).json();
        String code = admin.get("/api/v1/members/" + referrer.path("id").asLong()).json().path("referralCode").asString();
        till.post("/api/v1/members", Api.json(Map.of("externalId", tag + "-N", "referralCode", code, "email", io.patron.TestData.email())));
        List<String> customers = new ArrayList<>(List.of(tag + "-R", tag + "-N"));
        for (int i = 0; i < 18; i++) {
            customers.add(tag + "-C" + i);
        }
        Store store = stores.create("B" + System.nanoTime() % 100_000_000L, "Back-test", "Europe/Moscow");
        HistoryReport replay = history.importReader(new StringReader(historyFile(tag, customers)), store.id(),
                HistoryImport.Mode.REPLAY, rows -> { });
        assertThat(replay.purchases()).isEqualTo(300);
        assertThat(replay.returns()).isPositive();
        assertThat(replay.skipped()).isZero();

        LocalDate from = LocalDate.now(MOSCOW).minusDays(125);
        LocalDate to = LocalDate.now(MOSCOW);
        Backtest done = finished(backtests.start(new Backtests.Request(version, version, from, to, store.code())).id());
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(Backtest.Status.DONE);
        JsonNode result = json.readTree(done.result());
        JsonNode candidate = result.path("candidate");
        assertThat(candidate).isEqualTo(result.path("baseline"));

        long storeId = store.id().value();
        assertThat(candidate.path("receipts").asLong()).isEqualTo(300);
        assertThat(candidate.path("discountTotal").decimalValue()).isEqualByComparingTo(jdbc.sql(
                "SELECT SUM(discount_total) FROM purchases WHERE store_id = :s").param("s", storeId).query(BigDecimal.class).single());
        long issued = jdbc.sql("SELECT SUM(points_earned) + SUM(referrer_points) FROM purchases WHERE store_id = :s")
                .param("s", storeId).query(Long.class).single();
        assertThat(candidate.path("pointsIssued").asLong()).isEqualTo(issued);
        assertThat(jdbc.sql("SELECT SUM(referrer_points) FROM purchases WHERE store_id = :s").param("s", storeId)
                .query(Long.class).single()).as("the referral was paid").isEqualTo(200);
        long reversed = jdbc.sql("""
                SELECT COALESCE(SUM(t.amount), 0) FROM point_transfers t JOIN purchases p ON p.id = t.purchase_id
                WHERE p.store_id = :s AND t.code = 'REVERSE_RETURN'""").param("s", storeId).query(Long.class).single();
        assertThat(reversed).isPositive();
        assertThat(candidate.path("pointsReversed").asLong()).isEqualTo(reversed);
        List<Long> buyers = jdbc.sql("SELECT DISTINCT member_id FROM purchases WHERE store_id = :s AND member_id IS NOT NULL")
                .param("s", storeId).query(Long.class).list();
        long liability = referrerOnlyBalance(referrer.path("id").asLong(), buyers);
        Map<String, Long> tierCounts = new TreeMap<>();
        OffsetDateTime end = to.plusDays(1).atStartOfDay(MOSCOW).toOffsetDateTime();
        for (long id : buyers) {
            liability += ledger.account(new MemberId(id), OffsetDateTime.now()).balance();
            tierCounts.merge(tiers.status(new MemberId(id), programs.active().definition(), end).tier().name(), 1L, Long::sum);
        }
        assertThat(candidate.path("liabilityPoints").asLong()).isEqualTo(liability);
        Map<String, Long> simulated = new TreeMap<>();
        candidate.path("tiers").forEach(t -> {
            if (t.path("members").asLong() > 0) {
                simulated.put(t.path("tier").asString(), t.path("members").asLong());
            }
        });
        assertThat(simulated).isEqualTo(tierCounts);
        assertThat(tierCounts.size()).as("the history reaches more than one tier").isGreaterThan(1);

        // Each rule's reach and cost, from the answers the replay recorded.
        Map<String, long[]> counted = new TreeMap<>();
        Map<String, BigDecimal> discounts = new TreeMap<>();
        for (String response : jdbc.sql("SELECT response FROM purchases WHERE store_id = :s").param("s", storeId).query(String.class).list()) {
            for (JsonNode rule : json.readTree(response).path("appliedRules")) {
                long[] c = counted.computeIfAbsent(rule.path("id").asString(), k -> new long[2]);
                c[0]++;
                c[1] += rule.path("points").asLong();
                discounts.merge(rule.path("id").asString(), rule.path("discount").decimalValue(), BigDecimal::add);
            }
        }
        assertThat(counted.keySet()).contains("fixed-" + tag, "acme-" + tag, "daily-" + tag, "first-" + tag, "tier", "referral");
        Map<String, JsonNode> rules = new HashMap<>();
        candidate.path("rules").forEach(r -> rules.put(r.path("id").asString(), r));
        assertThat(rules.keySet()).isEqualTo(counted.keySet());
        counted.forEach((id, c) -> {
            assertThat(rules.get(id).path("receipts").asLong()).as(id + " receipts").isEqualTo(c[0]);
            assertThat(rules.get(id).path("points").asLong()).as(id + " points").isEqualTo(c[1]);
            assertThat(rules.get(id).path("discount").decimalValue()).as(id + " discount").isEqualByComparingTo(discounts.get(id));
        });
        assertThat(rules.get("fixed-" + tag).path("discount").decimalValue()).as("the budget held").isLessThanOrEqualTo(new BigDecimal("1500"));
    }

    /** The referrer's balance when they did not buy in the history (their referral points are part of the liability). */
    private long referrerOnlyBalance(long referrer, List<Long> buyers) {
        return buyers.contains(referrer) ? 0 : ledger.account(new MemberId(referrer), OffsetDateTime.now()).balance();
    }

    private int program(String tag) {
        return programme(tag, 1);
    }

    @Test
    void aDifferentCandidateGivesDifferentFiguresAndLeavesLiveBalancesAlone() throws Exception {
        String tag = "bd" + System.nanoTime() % 1_000_000_000L;
        int base = program(tag);
        programs.activate(base);
        Store store = stores.create("D" + System.nanoTime() % 100_000_000L, "Back-test", "Europe/Moscow");
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            customers.add(tag + "-C" + i);
        }
        history.importReader(new StringReader(historyFile(tag, customers)), store.id(), HistoryImport.Mode.REPLAY, rows -> { });
        int doubled = programme(tag + "x", 2);
        Member someone = members.findByExternalId(tag + "-C0").orElseThrow();
        long before = ledger.account(someone.id(), OffsetDateTime.now()).balance();

        Api.Response started = admin.post("/api/v1/backtests", Api.json(Map.of("candidateVersion", doubled, "baselineVersion", base,
                "from", LocalDate.now(MOSCOW).minusDays(125).toString(), "to", LocalDate.now(MOSCOW).toString(),
                "storeCode", store.code())));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        finished(started.json().path("id").asLong());
        JsonNode view = admin.get("/api/v1/backtests/" + started.json().path("id").asLong()).json();
        assertThat(view.path("status").asString()).isEqualTo("DONE");
        assertThat(view.path("percent").asInt()).isEqualTo(100);
        long baseIssued = view.path("result").path("baseline").path("pointsIssued").asLong();
        long candidateIssued = view.path("result").path("candidate").path("pointsIssued").asLong();
        assertThat(candidateIssued).isGreaterThan(baseIssued);
        assertThat(view.path("result").path("candidate").path("discountTotal").decimalValue())
                .isEqualByComparingTo(view.path("result").path("baseline").path("discountTotal").decimalValue());
        assertThat(ledger.account(someone.id(), OffsetDateTime.now()).balance()).isEqualTo(before);
        assertThat(admin.get("/api/v1/backtests?size=5").json().path("items").size()).isPositive();
    }

    @Test
    void aQueuedBackTestIsCancelledAtOnceAndARunningOneAtItsNextPage() {
        OffsetDateTime now = OffsetDateTime.now();
        long queued = repository.insert(original, original, now.minusDays(1), now, null, "test", now);
        Api.Response cancelled = admin.post("/api/v1/backtests/" + queued + "/cancel", "");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
        assertThat(cancelled.json().path("status").asString()).isEqualTo("CANCELLED");
        assertThat(admin.post("/api/v1/backtests/" + queued + "/cancel", "").code()).isEqualTo("BACKTEST_FINISHED");

        long running = repository.insert(original, original, now.minusDays(1), now, null, "test", now);
        assertThat(repository.claim(running, now)).isTrue();
        assertThat(repository.requestCancel(running, now)).isTrue();
        backtests.execute(running);
        assertThat(backtests.get(running).status()).isEqualTo(Backtest.Status.CANCELLED);
        assertThat(backtests.get(running).result()).isNull();
    }

    @Test
    void aBadRequestNamesItsFields() {
        Api.Response bad = admin.post("/api/v1/backtests", Api.json(Map.of("candidateVersion", 999_999,
                "from", "2026-03-10", "to", "2026-03-01")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").findValuesAsString("field")).containsExactly("to");
        Api.Response unknown = admin.post("/api/v1/backtests", Api.json(Map.of("candidateVersion", 999_999,
                "from", "2026-03-01", "to", "2026-03-10")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").findValuesAsString("field")).containsExactly("candidateVersion");
        assertThat(till.get("/api/v1/backtests").status()).isEqualTo(403);
        assertThat(admin.get("/api/v1/backtests/987654321").code()).isEqualTo("BACKTEST_NOT_FOUND");
    }
}
