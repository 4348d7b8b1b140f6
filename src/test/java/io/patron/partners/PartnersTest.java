package io.patron.partners;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.ledger.Ledger;
import io.patron.ledger.LedgerInvariants;
import io.patron.ledger.TransferCode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The coalition through its API: a partner's receipts earn and burn points idempotently under the
 * ledger's invariants, a partner key reaches its own data on the partner API and nothing else, a
 * month of mixed activity settles to figures worked out by hand, and a closed statement stays closed.
 */
class PartnersTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    Api admin;
    Api till;

    @BeforeEach
    void setUp() {
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        till = Api.bearer(port, DEMO_TILL_KEY);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static String tag() {
        return "P" + Long.toString(System.nanoTime() % 10_000_000_000L, 36).toUpperCase();
    }

    private JsonNode partner(String code, boolean burn, String earnRate, String issuePrice, String redeemPrice, String share) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("name", "Partner " + code);
        body.put("earnRate", new BigDecimal(earnRate));
        body.put("burnAccepted", burn);
        body.put("issuePrice", new BigDecimal(issuePrice));
        body.put("redeemPrice", new BigDecimal(redeemPrice));
        body.put("cobrandShare", new BigDecimal(share));
        body.put("currency", "RUB");
        Api.Response r = admin.post("/api/v1/partners", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private Api keyOf(JsonNode partner) {
        Api.Response r = admin.post("/api/v1/partners/" + partner.path("id").asLong() + "/keys", Api.json(Map.of("name", "pos")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String secret = r.json().path("secret").asString();
        assertThat(secret).startsWith("pp_");
        return Api.bearer(port, secret);
    }

    private JsonNode member(long points) {
        JsonNode m = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "phone", TestData.phone(),
                "firstName", "Anna", "lastName", "Petrova"))).json();
        if (points > 0) {
            Api.Response r = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://localhost:" + port + "/api/v1/members/" + m.path("id").asLong() + "/adjustments"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", "partner-" + System.nanoTime())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":" + points + ",\"reason\":\"test\"}")));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        return m;
    }

    private static String receipt(String id, String card, String amount, long burn) {
        return Api.json(Map.of("receiptId", id, "member", Map.of("cardNumber", card), "amount", new BigDecimal(amount),
                "pointsToBurn", burn));
    }

    private static String giveBack(String id, String receiptId, String amount) {
        return Api.json(Map.of("returnId", id, "receiptId", receiptId, "amount", new BigDecimal(amount)));
    }

    private long available(JsonNode member) {
        return admin.get("/api/v1/members/" + member.path("id").asLong() + "/account").json().path("pointsAvailable").asLong();
    }

    /** Moves the test clock to an instant (from real time: the clock is real time plus an offset). */
    private void travelTo(String instant) {
        clock.reset();
        clock.advance(Duration.between(Instant.now(), Instant.parse(instant)));
    }

    @Test
    void receiptsAndReturnsAreIdempotentAndKeepTheLedgerExact() throws Exception {
        JsonNode p = partner(tag(), true, "0.1", "0.5", "1", "100");
        Api partner = keyOf(p);
        JsonNode anna = member(300);
        String card = anna.path("cardNumber").asString();

        JsonNode identified = partner.post("/api/v1/partner/members/identify", Api.json(Map.of("cardNumber", card))).json();
        assertThat(identified.path("cardValid").asBoolean()).isTrue();
        assertThat(identified.path("maskedName").asString()).isEqualTo("An** P.");
        assertThat(identified.path("pointsAvailable").asLong()).isEqualTo(300);
        assertThat(identified.toString()).doesNotContain("Petrova").doesNotContain("@");
        JsonNode byPhone = partner.post("/api/v1/partner/members/identify",
                Api.json(Map.of("phone", anna.path("phone").asString()))).json();
        assertThat(byPhone.path("maskedName").asString()).isEqualTo("An** P.");

        String id = "R-" + System.nanoTime();
        Api.Response first = partner.post("/api/v1/partner/receipts", receipt(id, card, "500.00", 200));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().path("burnValue").decimalValue()).isEqualByComparingTo("200.00");
        assertThat(first.json().path("amountToPay").decimalValue()).isEqualByComparingTo("300.00");
        assertThat(first.json().path("pointsEarned").asLong()).isEqualTo(30);
        assertThat(first.json().path("pointsAvailable").asLong()).isEqualTo(100);

        Api.Response again = partner.post("/api/v1/partner/receipts", receipt(id, card, "500.00", 200));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body()).isEqualTo(first.body());
        Api.Response changed = partner.post("/api/v1/partner/receipts", receipt(id, card, "600.00", 200));
        assertThat(changed.status()).isEqualTo(409);
        assertThat(changed.code()).isEqualTo("RECEIPT_ALREADY_RECORDED");
        assertThat(available(anna)).as("the replay moved no points").isEqualTo(100);

        Api.Response tooMuch = partner.post("/api/v1/partner/receipts", receipt("R-" + System.nanoTime(), card, "500.00", 101));
        assertThat(tooMuch.status()).isEqualTo(422);
        assertThat(tooMuch.code()).isEqualTo("INSUFFICIENT_POINTS");
        assertThat(tooMuch.json().path("errors").get(0).path("field").asString()).isEqualTo("pointsToBurn");
        Api.Response overReceipt = partner.post("/api/v1/partner/receipts", receipt("R-" + System.nanoTime(), card, "50.00", 60));
        assertThat(overReceipt.code()).isEqualTo("BURN_EXCEEDS_RECEIPT");
        Api.Response bad = partner.post("/api/v1/partner/receipts", receipt("R-" + System.nanoTime(), card, "-5", 0));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asString()).isEqualTo("amount");

        // Half comes back: half the earned points are taken back, half the burned ones given back.
        String half = "T-" + System.nanoTime();
        Api.Response r1 = partner.post("/api/v1/partner/returns", giveBack(half, id, "250.00"));
        assertThat(r1.status()).as(r1.body()).isEqualTo(201);
        assertThat(r1.json().path("pointsReversed").asLong()).isEqualTo(15);
        assertThat(r1.json().path("pointsRefunded").asLong()).isEqualTo(100);
        assertThat(partner.post("/api/v1/partner/returns", giveBack(half, id, "250.00")).status()).isEqualTo(200);
        Api.Response beyond = partner.post("/api/v1/partner/returns", giveBack("T-" + System.nanoTime(), id, "250.01"));
        assertThat(beyond.code()).isEqualTo("RETURN_EXCEEDS_RECEIPT");
        Api.Response rest = partner.post("/api/v1/partner/returns", giveBack("T-" + System.nanoTime(), id, "250.00"));
        assertThat(rest.json().path("pointsReversed").asLong() + rest.json().path("pointsForgiven").asLong()).isEqualTo(15);
        assertThat(rest.json().path("pointsRefunded").asLong()).isEqualTo(100);
        assertThat(available(anna)).as("everything back: the 300 of the start").isEqualTo(300);

        // Concurrent receipts burning 100 each from 300: exactly three go through.
        List<Callable<Api.Response>> burns = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String rid = "C-" + i + "-" + System.nanoTime();
            burns.add(() -> partner.post("/api/v1/partner/receipts", receipt(rid, card, "100.00", 100)));
        }
        // And one receipt sent four times at once: recorded once.
        String twice = "D-" + System.nanoTime();
        List<Callable<Api.Response>> same = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            same.add(() -> partner.post("/api/v1/partner/receipts", receipt(twice, card, "10.00", 0)));
        }
        List<Api.Response> burnt = atOnce(burns);
        assertThat(burnt.stream().filter(r -> r.status() == 201).count()).isEqualTo(3);
        assertThat(burnt.stream().filter(r -> r.status() != 201).map(Api.Response::code)).containsOnly("INSUFFICIENT_POINTS");
        List<Api.Response> sent = atOnce(same);
        assertThat(sent.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);
        assertThat(sent).allMatch(r -> r.status() == 201 || r.status() == 200 || "REQUEST_IN_PROGRESS".equals(r.code()));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM partner_receipts WHERE receipt_id = :r").param("r", twice)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(available(anna)).isZero();
        new LedgerInvariants(jdbc).check("after partner receipts and returns");
    }

    @Test
    void aPartnerKeyReachesItsOwnDataOnThePartnerApiAndNothingElse() {
        JsonNode a = partner(tag(), false, "0.2", "0.5", "0", "0");
        JsonNode b = partner(tag(), true, "0.1", "0.5", "1", "0");
        Api partnerA = keyOf(a);
        Api partnerB = keyOf(b);
        JsonNode olga = member(50);
        String card = olga.path("cardNumber").asString();
        String rid = "S-" + System.nanoTime();
        assertThat(partnerB.post("/api/v1/partner/receipts", receipt(rid, card, "100.00", 0)).status()).isEqualTo(201);

        JsonNode seenByA = partnerA.post("/api/v1/partner/members/identify", Api.json(Map.of("cardNumber", card))).json();
        assertThat(seenByA.path("pointsAvailable").isNull()).as("no points where they cannot be spent").isTrue();
        assertThat(partnerA.get("/api/v1/partner/receipts/" + rid).code()).isEqualTo("RECEIPT_NOT_FOUND");
        assertThat(partnerB.get("/api/v1/partner/receipts/" + rid).status()).isEqualTo(200);
        assertThat(partnerA.post("/api/v1/partner/returns", giveBack("X-" + System.nanoTime(), rid, "10")).code())
                .isEqualTo("RECEIPT_NOT_FOUND");
        assertThat(partnerA.post("/api/v1/partner/receipts", receipt("S-" + System.nanoTime(), card, "10.00", 5)).code())
                .isEqualTo("BURN_NOT_ACCEPTED");

        // Nothing outside the partner API: not the till's, not members', not admin endpoints.
        long memberId = olga.path("id").asLong();
        for (String path : List.of("/api/v1/members/" + memberId, "/api/v1/members?q=Anna", "/api/v1/members/" + memberId + "/account",
                "/api/v1/partners", "/api/v1/partners/" + b.path("id").asLong(), "/api/v1/partners/statements", "/api/v1/draws",
                "/api/v1/purchases/1", "/api/v1/purchases?receiptId=X", "/api/v1/coupon-campaigns",
                "/actuator/metrics")) {
            assertThat(partnerA.get(path).status()).as(path).isEqualTo(403);
        }
        assertThat(partnerA.post("/api/v1/purchases", "{}").status()).isEqualTo(403);
        assertThat(partnerA.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).status()).isEqualTo(403);
        // And the partner API is for partners only: neither a till nor an admin acts as one.
        assertThat(till.post("/api/v1/partner/members/identify", Api.json(Map.of("cardNumber", card))).status()).isEqualTo(403);
        assertThat(admin.get("/api/v1/partner/statements").status()).isEqualTo(403);
        assertThat(Api.anonymous(port).get("/api/v1/partner/statements").status()).isEqualTo(401);

        // A suspended partner's keys stop working.
        Api.Response suspended = admin.patch("/api/v1/partners/" + a.path("id").asLong(), Api.json(Map.of("status", "SUSPENDED")));
        assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
        assertThat(partnerA.get("/api/v1/partner/statements").status()).isEqualTo(401);
    }

    @Test
    void aMonthOfMixedActivitySettlesToExactFiguresAndAClosedStatementNeverChanges() {
        travelTo("2031-03-10T12:00:00Z");
        String code = tag();
        JsonNode p = partner(code, true, "0.1", "0.5", "1", "50");
        long partnerId = p.path("id").asLong();
        Api partner = keyOf(p);
        JsonNode anna = member(1000);
        JsonNode boris = member(0);
        String card = anna.path("cardNumber").asString();

        assertThat(partner.post("/api/v1/partner/receipts", receipt("M1", card, "1000.00", 0)).json().path("pointsEarned").asLong())
                .isEqualTo(100);
        assertThat(partner.post("/api/v1/partner/receipts", receipt("M2", card, "500.00", 200)).json().path("pointsEarned").asLong())
                .isEqualTo(30);
        Api.Response m3 = partner.post("/api/v1/partner/receipts", Api.json(Map.of("receiptId", "M3",
                "member", Map.of("phone", boris.path("phone").asString()), "amount", new BigDecimal("250.50"))));
        assertThat(m3.json().path("pointsEarned").asLong()).as(m3.body()).isEqualTo(25);
        assertThat(partner.post("/api/v1/partner/receipts", receipt("M1", card, "1000.00", 0)).status()).isEqualTo(200);
        Api.Response t1 = partner.post("/api/v1/partner/returns", giveBack("MT1", "M2", "250.00"));
        assertThat(t1.json().path("pointsReversed").asLong()).isEqualTo(15);
        assertThat(t1.json().path("pointsRefunded").asLong()).isEqualTo(100);

        // Co-brand coupons at the chain's own till: 50 bonus points and a 100 discount, attributed to the partner.
        String bonus = cobrand(code, "BONUS_POINTS", 50);
        String discount = cobrand(code, "FIXED_DISCOUNT", 100);
        sale(card, bonus);
        sale(card, discount);

        travelTo("2031-04-05T08:00:00Z");
        admin.post("/api/v1/partners/statements/draft-due", "");
        JsonNode march = statement(partnerId, 0);
        assertThat(march.path("number").asString()).isEqualTo(code + "-2031-03");
        assertThat(march.path("status").asString()).isEqualTo("DRAFT");
        JsonNode f = march.path("figures");
        assertThat(f.path("receipts").asLong()).isEqualTo(3);
        assertThat(f.path("pointsIssued").asLong()).isEqualTo(155);
        assertThat(f.path("pointsReversed").asLong()).isEqualTo(15);
        assertThat(f.path("pointsRedeemed").asLong()).isEqualTo(200);
        assertThat(f.path("pointsRefunded").asLong()).isEqualTo(100);
        assertThat(f.path("couponUses").asLong()).isEqualTo(2);
        assertThat(f.path("couponPoints").asLong()).isEqualTo(50);
        assertThat(f.path("couponDiscount").decimalValue()).isEqualByComparingTo("100.00");
        // (155 − 15 + 50) × 0.5 + 100 × 50 % = 145.00 owed by the partner; (200 − 100) × 1 = 100.00 owed to it.
        assertThat(f.path("owedByPartner").decimalValue()).isEqualByComparingTo("145.00");
        assertThat(f.path("owedToPartner").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(f.path("net").decimalValue()).isEqualByComparingTo("45.00");
        // The same figures from the ledger's own accounts of the partner.
        OffsetDateTime from = OffsetDateTime.parse("2031-03-01T00:00:00Z");
        OffsetDateTime to = OffsetDateTime.parse("2031-04-01T00:00:00Z");
        long issuedAccount = p.path("issuedAccountId").asLong();
        long redeemedAccount = p.path("redeemedAccountId").asLong();
        assertThat(ledger.programAccountFlow(issuedAccount, TransferCode.PARTNER_EARN, false, from, to)).isEqualTo(155);
        assertThat(ledger.programAccountFlow(issuedAccount, TransferCode.PARTNER_REVERSE, true, from, to)).isEqualTo(15);
        assertThat(ledger.programAccountFlow(redeemedAccount, TransferCode.PARTNER_REDEEM, true, from, to)).isEqualTo(200);
        assertThat(ledger.programAccountFlow(redeemedAccount, TransferCode.PARTNER_REFUND, false, from, to)).isEqualTo(100);
        assertThat(admin.get("/api/v1/partners/statements/" + march.path("id").asLong() + "/csv").body())
                .contains("net_payable_by_partner,45.00").contains("points_issued,155");

        long id = march.path("id").asLong();
        assertThat(admin.post("/api/v1/partners/statements/" + id + "/close", "").code()).isEqualTo("STATEMENT_NOT_REVIEWED");
        Api.Response reviewed = admin.post("/api/v1/partners/statements/" + id + "/review", Api.json(Map.of("note", "checked")));
        assertThat(reviewed.json().path("status").asString()).as(reviewed.body()).isEqualTo("REVIEWED");
        Api.Response closed = admin.post("/api/v1/partners/statements/" + id + "/close", "");
        assertThat(closed.json().path("status").asString()).as(closed.body()).isEqualTo("CLOSED");

        // April: the rest of M2 comes back, and the partner's prices change; March stays as closed.
        Api.Response t2 = partner.post("/api/v1/partner/returns", giveBack("MT2", "M2", "250.00"));
        assertThat(t2.json().path("pointsRefunded").asLong()).isEqualTo(100);
        admin.patch("/api/v1/partners/" + partnerId, Api.json(Map.of("issuePrice", 2)));
        assertThat(admin.post("/api/v1/partners/statements/" + id + "/close", "").code()).isEqualTo("STATEMENT_CLOSED");
        assertThat(admin.post("/api/v1/partners/statements/" + id + "/review", "{}").code()).isEqualTo("STATEMENT_CLOSED");
        JsonNode still = admin.get("/api/v1/partners/statements/" + id).json();
        assertThat(still.path("figures").toString()).isEqualTo(march.path("figures").toString());
        assertThat(still.path("status").asString()).isEqualTo("CLOSED");

        travelTo("2031-05-02T08:00:00Z");
        admin.post("/api/v1/partners/statements/draft-due", "");
        JsonNode april = statement(partnerId, 0);
        assertThat(april.path("number").asString()).isEqualTo(code + "-2031-04");
        JsonNode g = april.path("figures");
        assertThat(g.path("receipts").asLong()).isZero();
        assertThat(g.path("pointsReversed").asLong()).isEqualTo(15);
        assertThat(g.path("pointsRefunded").asLong()).isEqualTo(100);
        // −15 × 2.00 = −30.00 by the partner; −100 × 1 = −100.00 to it: the partner is owed 30 less, pays 70 net.
        assertThat(g.path("owedByPartner").decimalValue()).isEqualByComparingTo("-30.00");
        assertThat(g.path("owedToPartner").decimalValue()).isEqualByComparingTo("-100.00");
        assertThat(g.path("net").decimalValue()).isEqualByComparingTo("70.00");
        // A drafted statement keeps the prices it was drafted with when it is worked out again.
        admin.patch("/api/v1/partners/" + partnerId, Api.json(Map.of("issuePrice", 3)));
        JsonNode reviewedApril = admin.post("/api/v1/partners/statements/" + april.path("id").asLong() + "/review", "{}").json();
        assertThat(reviewedApril.path("figures").path("owedByPartner").decimalValue()).isEqualByComparingTo("-30.00");
        assertThat(april.path("corrections")).hasSize(1);
        assertThat(april.path("corrections").get(0).path("returnId").asString()).isEqualTo("MT2");
        assertThat(april.path("corrections").get(0).path("statementNumber").asString()).isEqualTo(code + "-2031-03");
        // The partner reads its own statements through its key.
        JsonNode own = partner.get("/api/v1/partner/statements").json();
        assertThat(own.path("items")).hasSize(2);
        new LedgerInvariants(jdbc).check("after a month of partner activity");
    }

    private JsonNode statement(long partnerId, int index) {
        JsonNode page = admin.get("/api/v1/partners/statements?partnerId=" + partnerId).json();
        return page.path("items").get(index);
    }

    private String cobrand(String partnerCode, String type, int value) {
        String campaign = tag();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", campaign);
        body.put("name", "Co-brand " + type);
        body.put("effectType", type);
        body.put("effectValue", value);
        body.put("partner", partnerCode);
        body.put("publicCode", campaign + "-GO");
        Api.Response r = admin.post("/api/v1/coupon-campaigns", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return campaign + "-GO";
    }

    private void sale(String card, String coupon) {
        Api.Response r = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "CB-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "couponCodes", List.of(coupon),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 400)))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("coupons").get(0).path("status").asString()).as(r.body()).isEqualTo("APPLIED");
    }

    private static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<T>> futures = pool.invokeAll(calls);
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
