package io.patron.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.common.Language;
import io.patron.journeys.Newsletters;
import io.patron.messaging.MailTemplates;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Uplift against a hold-out group: on synthetic data a real effect is found and no effect is not
 * (false alarms at about the 5 % the interval allows, seeded so that any failure can be replayed); and
 * a newsletter whose treated members bought while its hold-out did not shows the difference.
 */
class UpliftTest extends IntegrationTest {

    private static final long SEED = 20261123L;

    @LocalServerPort
    int port;

    @Autowired
    Uplift uplift;

    @Autowired
    Newsletters newsletters;

    @Autowired
    MailTemplates templates;

    private static double[] sample(Random random, int n, double mean, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // Revenue: often nothing, else a normal amount; never negative.
            v[i] = random.nextDouble() < 0.4 ? 0 : Math.max(0, mean + sd * random.nextGaussian());
        }
        return v;
    }

    @Test
    void aRealEffectIsFoundAndNoEffectRarelySeemsOne() {
        Random random = new Random(SEED);
        Uplift.Difference effect = Uplift.compare(sample(random, 2_000, 115, 40), sample(random, 2_000, 100, 40));
        assertThat(effect.significant()).as("seed " + SEED).isTrue();
        assertThat(effect.low()).isPositive();
        assertThat(effect.difference()).isBetween(5.0, 13.0);
        int falseAlarms = 0;
        int trials = 400;
        for (int t = 0; t < trials; t++) {
            if (Uplift.compare(sample(random, 500, 100, 40), sample(random, 500, 100, 40)).significant()) {
                falseAlarms++;
            }
        }
        assertThat(falseAlarms).as("false alarms in %d trials without effect (seed %d)", trials, SEED).isBetween(6, 36);
        Uplift.Difference small = Uplift.compare(sample(random, 30, 101, 40), sample(random, 30, 100, 40));
        assertThat(small.low()).as("a small group: a wide interval").isLessThan(0);
    }

    @Autowired
    io.patron.journeys.Journeys journeys;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    io.patron.MutableClock clock;

    @Test
    void aJourneyWithAHoldOutShowsWhatItsMailsDid() {
        // A day of its own: the journey's occurrences of other tests (at real time) stay out of the comparison.
        clock.reset();
        clock.advance(java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse("2036-01-10T10:00:00Z")));
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        var first = journeys.settings(io.patron.journeys.Journey.FIRST_PURCHASE);
        journeys.update(io.patron.journeys.Journey.FIRST_PURCHASE, true, first.days(), first.periodDays(), null, 50);
        try {
            Map<Long, String> cards = new java.util.HashMap<>();
            for (int i = 0; i < 30; i++) {
                var m = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "consents", Map.of("emailMarketing", true))))
                        .json();
                cards.put(m.path("id").asLong(), m.path("cardNumber").asString());
                buy(till, m.path("cardNumber").asString());
            }
            settle();
            long mailed = 0;
            long held = 0;
            for (var e : cards.entrySet()) {
                String status = jdbc.sql("SELECT status FROM journey_sends WHERE kind = 'FIRST_PURCHASE' AND member_id = :m")
                        .param("m", e.getKey()).query(String.class).single();
                assertThat(status).isIn("QUEUED", "HELD_OUT");
                if (status.equals("QUEUED")) {
                    mailed++;
                    buy(till, e.getValue());
                } else {
                    held++;
                    assertThat(jdbc.sql("SELECT COUNT(*) FROM mail_outbox WHERE member_id = :m AND kind = 'journey-first-purchase'")
                            .param("m", e.getKey()).query(Long.class).single()).as("held out: no mail").isZero();
                }
            }
            assertThat(mailed).isPositive();
            assertThat(held).isPositive();
            String today = "2036-01-10";
            var r = Api.basic(port, "admin", ADMIN_PASSWORD).get("/api/v1/analytics/uplift/journeys/first_purchase?from=" + today + "&to="
                    + today + "&days=7").json();
            assertThat(r.path("treated").asLong()).isGreaterThanOrEqualTo(mailed);
            assertThat(r.path("control").asLong()).isGreaterThanOrEqualTo(held);
            assertThat(r.path("revenuePerMember").path("difference").asDouble()).isPositive();
            assertThat(r.path("verdict").asString()).as(r.toString()).isEqualTo("MORE");
        } finally {
            journeys.update(io.patron.journeys.Journey.FIRST_PURCHASE, true, first.days(), first.periodDays(), null, 0);
            clock.reset();
        }
    }

    private static void buy(Api till, String card) {
        Api.Response sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "UJ-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100)))));
        assertThat(sale.status()).as(sale.body()).isEqualTo(201);
    }

    @Test
    void aNewsletterWhoseReadersBoughtShowsItsUplift() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        String code = "UP" + System.nanoTime() % 10_000_000L;
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", code, "name", "Uplift", "timeZone", "UTC"))).json().path("id").asLong();
        Api till = Api.bearer(port, admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t"))).json().path("key").asString());
        var byMember = new java.util.HashMap<Long, String>();
        for (int i = 0; i < 40; i++) {
            var m = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "consents", Map.of("emailMarketing", true))))
                    .json();
            byMember.put(m.path("id").asLong(), m.path("cardNumber").asString());
        }
        admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/segments/" + code))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                        Api.json(Map.of("name", "Uplift " + code, "definition", Map.of("stores", List.of(code)))))));
        templates.save("up-" + code.toLowerCase(), Language.en, "Offer", "Hello {{name}}", null);
        Newsletters.Newsletter n = newsletters.create("Uplift " + code, "up-" + code.toLowerCase(), code, 50, null);
        newsletters.sendDue();
        List<Newsletters.Recipient> recipients = newsletters.recipients(n.id(), 0, 100);
        assertThat(recipients).hasSize(40);
        // Every treated member buys once for 100 after the mail; the hold-out buys nothing.
        long treated = 0;
        for (Newsletters.Recipient r : recipients) {
            if (!r.holdout()) {
                treated++;
                Api.Response sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "UP-" + System.nanoTime(),
                        "member", Map.of("cardNumber", byMember.get(r.memberId())),
                        "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 100)))));
                assertThat(sale.status()).as(sale.body()).isEqualTo(201);
            }
        }
        Api.Response r = admin.get("/api/v1/analytics/uplift/newsletters/" + n.id() + "?days=7");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var json = r.json();
        assertThat(json.path("treated").asLong()).isEqualTo(treated);
        assertThat(json.path("control").asLong()).isEqualTo(40 - treated);
        assertThat(json.path("revenuePerMember").path("treatedMean").asDouble()).isEqualTo(100.0);
        assertThat(json.path("revenuePerMember").path("controlMean").asDouble()).isZero();
        assertThat(json.path("visitsPerMember").path("difference").asDouble()).isEqualTo(1.0);
        assertThat(json.path("treatedAverageCheck").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(json.path("verdict").asString()).isEqualTo("MORE");
        assertThat(admin.get("/api/v1/analytics/uplift/newsletters/" + n.id() + "?days=0").status()).isEqualTo(400);
    }

    @Test
    void theProgrammeWideHoldOutSetsNewMembersAsideFromAllMarketingAndMeasuresTheRest() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        clock.reset();
        clock.advance(java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse("2037-03-10T10:00:00Z")));
        String code = "PH" + System.nanoTime() % 10_000_000L;
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", code, "name", "Hold-out", "timeZone", "UTC"))).json().path("id").asLong();
        Api till = Api.bearer(port, admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t"))).json().path("key").asString());
        assertThat(admin.put("/api/v1/analytics/programme-holdout", Api.json(Map.of("newMemberHoldoutPercent", 51))).status()).isEqualTo(400);
        assertThat(admin.put("/api/v1/analytics/programme-holdout", Api.json(Map.of("newMemberHoldoutPercent", 30))).status()).isEqualTo(200);
        Map<Long, String> cards = new java.util.HashMap<>();
        try {
            for (int i = 0; i < 60; i++) {
                var m = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "consents", Map.of("emailMarketing", true))))
                        .json();
                cards.put(m.path("id").asLong(), m.path("cardNumber").asString());
            }
        } finally {
            assertThat(admin.put("/api/v1/analytics/programme-holdout", Api.json(Map.of("newMemberHoldoutPercent", 0))).status()).isEqualTo(200);
        }
        List<Long> aside = jdbc.sql("SELECT member_id FROM programme_holdout WHERE member_id IN (:m)").param("m", cards.keySet())
                .query(Long.class).list();
        // 60 draws of a 30 % chance fall outside 6..32 about 4 times in 10,000 (the hash of given ids never changes).
        assertThat(aside.size()).isBetween(6, 32);
        String late = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM programme_holdout h JOIN cards c ON c.member_id = h.member_id WHERE c.card_number = :c")
                .param("c", late).query(Long.class).single()).as("the hold-out is off again: no one else set aside").isZero();

        // A newsletter to the store's members reaches none of those set aside, not even as its own control group.
        admin.put("/api/v1/segments/" + code, Api.json(Map.of("name", "Hold-out " + code, "definition", Map.of("stores", List.of(code)))));
        templates.save("ph-" + code.toLowerCase(), Language.en, "Offer", "Hello {{name}}", null);
        Newsletters.Newsletter n = newsletters.create("Hold-out " + code, "ph-" + code.toLowerCase(), code, 0, null);
        newsletters.sendDue();
        List<Long> reached = newsletters.recipients(n.id(), 0, 100).stream().map(Newsletters.Recipient::memberId).toList();
        assertThat(reached).as("the members with consent, less those set aside").hasSize(60 - aside.size()).doesNotContainAnyElementsOf(aside);
        // A marketing journey records them as set aside, with no mail.
        long someone = aside.getFirst();
        buy(till, cards.get(someone));
        settle();
        assertThat(jdbc.sql("SELECT status FROM journey_sends WHERE kind = 'FIRST_PURCHASE' AND member_id = :m").param("m", someone)
                .query(String.class).single()).isEqualTo("PROGRAM_HOLDOUT");

        // The others buy twice, those set aside not again: the programme's mail "pays".
        for (var e : cards.entrySet()) {
            if (!aside.contains(e.getKey())) {
                buy(till, e.getValue());
                buy(till, e.getValue());
            }
        }
        var r = admin.get("/api/v1/analytics/uplift/programme?from=2037-03-10&to=2037-03-10&days=30").json();
        assertThat(r.path("control").asLong()).isEqualTo(aside.size());
        assertThat(r.path("treated").asLong()).as("every other member enrolled that day, this test's and any other's").isGreaterThanOrEqualTo(61 - aside.size());
        assertThat(r.path("revenuePerMember").path("difference").asDouble()).isPositive();
        assertThat(r.path("verdict").asString()).as(r.toString()).isEqualTo("MORE");
        clock.reset();
    }
}
