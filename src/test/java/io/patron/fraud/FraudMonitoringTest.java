package io.patron.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.stores.IssuedTillKey;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A seeded day of a chain's activity — ordinary members shopping as people do, and six kinds of fraud
 * mixed in — through the till API, with the demo programme's velocity rules: every fraud raises a
 * case, ordinary members almost never do (at least 99 % without a case), the rule that holds stops
 * the member's redemptions at the till until the case is closed as not fraud.
 */
class FraudMonitoringTest extends IntegrationTest {

    private static final long SEED = 20261206L;
    private static final int ORDINARY = 300;
    private static final String[] NAMES = {"anna", "ion", "olga", "tigran", "maria", "pavel", "ani", "elena", "vasile", "irina", "artur",
            "natalia", "sergei", "gayane", "mihai", "svetlana"};
    private static final String[] DOMAINS = {"mail.ru", "yandex.ru", "gmail.com", "mail.md", "yahoo.com", "mail.am", "inbox.ru"};
    private static final AtomicLong RECEIPTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @LocalServerPort
    int port;

    @Autowired
    Stores stores;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    FraudCases cases;

    private Api demoTill;
    private Api otherTill;
    private Api admin;
    private final Random random = new Random(SEED);
    private final OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);

    private record Shopper(long id, String card, String phone) {
    }

    private Shopper enrol(Api till, String email, String phone) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (email != null) {
            body.put("email", email);
        }
        if (phone != null) {
            body.put("phone", phone);
        }
        Api.Response r = till.post("/api/v1/members", Api.json(body));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new Shopper(r.json().path("id").asLong(), r.json().path("cardNumber").asString(), phone);
    }

    private void credit(long member, long points) {
        Api.Response r = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + port + "/api/v1/members/" + member + "/adjustments"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "fraud-" + member + "-" + System.nanoTime())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":" + points + ",\"reason\":\"test credit\"}")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private Api.Response sell(Api till, Map<String, Object> who, long points, OffsetDateTime at, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiptId", "FR-" + RECEIPTS.incrementAndGet());
        body.put("occurredAt", at.toString());
        body.put("member", who);
        body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 400 + random.nextInt(600))));
        body.put("pointsToRedeem", points);
        if (code != null) {
            body.put("redemptionCode", code);
        }
        return till.post("/api/v1/purchases", Api.json(body));
    }

    private long sale(Api till, Shopper s, long points, OffsetDateTime at) {
        Api.Response r = sell(till, Map.of("cardNumber", s.card()), points, at, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("purchaseId").asLong();
    }

    private void giveBack(Api till, long purchaseId) {
        Api.Response r = till.post("/api/v1/purchases/" + purchaseId + "/returns", Api.json(Map.of("returnId", "RET-" + RECEIPTS.incrementAndGet(),
                "lines", List.of(Map.of("lineId", "1", "quantity", 1)))));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private OffsetDateTime earlierToday() {
        return now.minusMinutes(30 + random.nextInt(20 * 60));
    }

    private Set<Long> membersWithCases() {
        return new HashSet<>(jdbc.sql("SELECT DISTINCT member_id FROM fraud_cases WHERE member_id IS NOT NULL").query(Long.class).list());
    }

    @Test
    void aSeededDayRaisesACaseForEveryFraudAndForAlmostNoOrdinaryMember() {
        demoTill = Api.bearer(port, DEMO_TILL_KEY);
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        long run = System.nanoTime() % 1_000_000L;
        Store other = stores.create("FR" + run, "Second store", "Europe/Moscow");
        IssuedTillKey otherKey = stores.createTill(other.id(), "Till", null);
        otherTill = Api.bearer(port, otherKey.key());
        Store counter = stores.findByCode("DEMO").orElseThrow();
        IssuedTillKey phoneKey = stores.createTill(counter.id(), "Counter " + run, null);
        Api phoneTill = Api.bearer(port, phoneKey.key());

        // Ordinary members: one to three visits today, mostly in their own store, a quarter paying partly with points,
        // now and then a return.
        List<Shopper> ordinary = new ArrayList<>();
        for (int i = 0; i < ORDINARY; i++) {
            String email = NAMES[random.nextInt(NAMES.length)] + "." + NAMES[random.nextInt(NAMES.length)] + "." + run + i
                    + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
            Shopper s = enrol(random.nextBoolean() ? demoTill : otherTill, email, null);
            ordinary.add(s);
            credit(s.id(), 300);
            int visits = random.nextDouble() < 0.7 ? 1 : random.nextDouble() < 0.85 ? 2 : 3;
            Api home = random.nextBoolean() ? demoTill : otherTill;
            for (int v = 0; v < visits; v++) {
                Api till = random.nextDouble() < 0.03 ? (home == demoTill ? otherTill : demoTill) : home;
                long purchase = sale(till, s, random.nextDouble() < 0.25 ? 50 : 0, earlierToday());
                if (random.nextDouble() < 0.03) {
                    giveBack(till, purchase);
                }
            }
        }

        // a) Twelve sales in a day on one card (the rule: at most 8).
        List<Shopper> heavy = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Shopper s = enrol(demoTill, "heavy" + run + "q" + i + "@mail.test".replace("mail", "h" + i), null);
            heavy.add(s);
            for (int v = 0; v < 12; v++) {
                sale(demoTill, s, 0, earlierToday());
            }
        }
        // b) Five redemptions in a day (at most 3).
        List<Shopper> redeemers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Shopper s = enrol(demoTill, "redeem" + run + "q" + i + "@r" + i + ".test", null);
            redeemers.add(s);
            credit(s.id(), 1000);
            for (int v = 0; v < 5; v++) {
                sale(demoTill, s, 100, earlierToday());
            }
        }
        // c) Points spent in two stores within half an hour (at most one store an hour): the rule holds.
        List<Shopper> travellers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Shopper s = enrol(demoTill, "travel" + run + "q" + i + "@t" + i + ".test", null);
            travellers.add(s);
            credit(s.id(), 1000);
            sale(demoTill, s, 100, now.minusMinutes(40));
            sale(otherTill, s, 100, now.minusMinutes(10));
        }
        // d) Four purchases paid partly with points, each brought back (at most 2 returns in 30 days).
        List<Shopper> returners = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Shopper s = enrol(demoTill, "return" + run + "q" + i + "@b" + i + ".test", null);
            returners.add(s);
            credit(s.id(), 1000);
            for (int v = 0; v < 4; v++) {
                giveBack(demoTill, sale(demoTill, s, 100, earlierToday()));
            }
        }
        // e) Eight members enrolled with one e-mail pattern (at most 5 a day).
        for (int i = 0; i < 8; i++) {
            enrol(demoTill, "promo" + (i * 7 + 1) + "@ring" + run + ".test", null);
        }
        // f) One till spending points for twelve different members it identified by phone (at most 10), each with their code.
        for (int i = 0; i < 12; i++) {
            String phone = "+7925" + String.format("%07d", (run * 100 + i) % 10_000_000);
            Shopper s = enrol(phoneTill, null, phone);
            credit(s.id(), 500);
            Api.Response sent = phoneTill.post("/api/v1/purchases/redemption-codes", Api.json(Map.of("member", Map.of("phone", phone),
                    "pointsToRedeem", 50)));
            assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
            String code = jdbc.sql("SELECT secret FROM sms_outbox WHERE recipient = :p AND kind = 'redemption-code' ORDER BY id DESC LIMIT 1")
                    .param("p", phone).query(String.class).single();
            Api.Response r = sell(phoneTill, Map.of("phone", phone), 50, now.minusMinutes(5), code);
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }

        settle();

        Set<Long> flagged = membersWithCases();
        for (List<Shopper> fraud : List.of(heavy, redeemers, travellers, returners)) {
            assertThat(fraud).allSatisfy(s -> assertThat(flagged).as("a case for member " + s.id()).contains(s.id()));
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fraud_cases WHERE pattern = :p AND status = 'OPEN'")
                .param("p", "email:promo#@ring" + run + ".test").query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fraud_cases WHERE till_id = :t AND rule_id = 'till-phone-redemptions'")
                .param("t", phoneKey.till().id()).query(Long.class).single()).isEqualTo(1);
        long ordinaryFlagged = ordinary.stream().filter(s -> flagged.contains(s.id())).count();
        System.out.printf("fraud monitoring, seed %d: ordinary members with a case: %d of %d (%.1f %%); fraudulent members and rings with a case: all%n",
                SEED, ordinaryFlagged, ORDINARY, 100.0 * ordinaryFlagged / ORDINARY);
        assertThat(ordinaryFlagged).as("ordinary members with a case").isLessThanOrEqualTo(ORDINARY / 100);

        // The two-store rule holds: the next redemption is refused with the reason, earning goes on.
        Shopper held = travellers.getFirst();
        Api.Response refused = sell(demoTill, Map.of("cardNumber", held.card()), 50, now, null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("code").asString()).isEqualTo("REDEMPTIONS_HELD");
        assertThat(refused.json().path("detail").asString()).contains("redemptions-in-two-stores");
        assertThat(sell(demoTill, Map.of("cardNumber", held.card()), 0, now, null).status()).isEqualTo(201);
        // The heavy buyer's rule raises a case but holds nothing.
        assertThat(sell(demoTill, Map.of("cardNumber", heavy.getFirst().card()), 0, now, null).status()).isEqualTo(201);

        long caseId = jdbc.sql("SELECT id FROM fraud_cases WHERE member_id = :m AND rule_id = 'redemptions-in-two-stores'")
                .param("m", held.id()).query(Long.class).single();
        Api.Response closed = admin.post("/api/v1/fraud/cases/" + caseId + "/close", Api.json(Map.of("resolution", "NOT_FRAUD",
                "note", "A family: two cards' worth of shopping")));
        assertThat(closed.status()).as(closed.toString()).isEqualTo(200);
        assertThat(closed.json().path("status").asString()).isEqualTo("CLOSED");
        assertThat(sell(demoTill, Map.of("cardNumber", held.card()), 50, now, null).status()).isEqualTo(201);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action IN ('REDEMPTIONS_HELD', 'REDEMPTIONS_RELEASED') AND entity_id = :m")
                .param("m", String.valueOf(held.id())).query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void aHoldByHandIsAuditedAndTheTillShowsItsReason() {
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        demoTill = Api.bearer(port, DEMO_TILL_KEY);
        Shopper s = enrol(demoTill, "byhand" + System.nanoTime() + "@example.org", null);
        credit(s.id(), 500);
        Api.Response hold = admin.post("/api/v1/members/" + s.id() + "/redemption-hold", Api.json(Map.of("reason", "Card reported stolen")));
        assertThat(hold.status()).as(hold.toString()).isEqualTo(200);
        Api.Response refused = sell(demoTill, Map.of("cardNumber", s.card()), 100, now, null);
        assertThat(refused.json().path("code").asString()).isEqualTo("REDEMPTIONS_HELD");
        assertThat(refused.json().path("detail").asString()).startsWith("Card reported stolen");
        assertThat(admin.post("/api/v1/members/" + s.id() + "/redemption-hold/release", Api.json(Map.of("note", "found"))).status())
                .isEqualTo(200);
        assertThat(sell(demoTill, Map.of("cardNumber", s.card()), 100, now, null).status()).isEqualTo(201);
        assertThat(jdbc.sql("SELECT action FROM audit_log WHERE entity_type = 'member' AND entity_id = :m ORDER BY id")
                .param("m", String.valueOf(s.id())).query(String.class).list()).containsSubsequence("REDEMPTIONS_HELD", "REDEMPTIONS_RELEASED");
    }
}
