package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.ledger.ExpiryJob;
import io.patron.stores.IssuedTillKey;
import io.patron.stores.Store;
import io.patron.stores.Stores;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The till contract of PRODUCT.md, request by request, against the demo programme. */
class CheckoutApiTest extends IntegrationTest {

    private static final AtomicLong RECEIPTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    ExpiryJob expiry;

    @Autowired
    Stores stores;

    Api till;
    Api admin;

    @BeforeEach
    void clients() {
        till = Api.bearer(port, DEMO_TILL_KEY);
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private JsonNode member() {
        Api.Response r = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email(), "firstName", "Olga", "language", "ru")));
        assertThat(r.status()).isEqualTo(201);
        return r.json();
    }

    private static String receipt() {
        return "R-" + RECEIPTS.incrementAndGet();
    }

    private static Map<String, Object> line(String id, String category, Object quantity, Object price) {
        return Map.of("lineId", id, "sku", "SKU-" + id, "name", "Item " + id, "category", category, "quantity", quantity,
                "unitPrice", price);
    }

    private static Map<String, Object> basket(String receiptId, String card, long points, List<Map<String, Object>> lines) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("receiptId", receiptId);
        if (card != null) {
            body.put("member", Map.of("cardNumber", card));
        }
        body.put("lines", lines);
        body.put("couponCodes", List.of());
        body.put("pointsToRedeem", points);
        return body;
    }

    /** Gives a member available points by an adjustment (support's tool), so redemption can be tested today. */
    private void credit(long memberId, long points) {
        Api.Response r = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + port + "/api/v1/members/" + memberId + "/adjustments"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "credit-" + System.nanoTime())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":" + points + ",\"reason\":\"test credit\"}")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private JsonNode account(long memberId) {
        return till.get("/api/v1/members/" + memberId + "/account").json();
    }

    @Test
    void theContractExampleQuotesAndCommitsWithTheDemoRates() {
        JsonNode m = member();
        String card = m.path("cardNumber").asString();
        var body = basket(receipt(), card, 0, List.of(line("1", "home", 6, 2.55), line("2", "tobacco", 1, 199.90),
                line("3", "home", 1, 1000)));
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(body)).json();
        assertThat(quote.path("subtotal").decimalValue()).isEqualByComparingTo("1215.20");
        assertThat(quote.path("total").decimalValue()).isEqualByComparingTo("1215.20");
        // 1 point per 10 ₽ of money paid on eligible lines (1015.30), rounded down; tobacco earns nothing.
        assertThat(quote.path("pointsEarned").asLong()).isEqualTo(101);
        assertThat(quote.path("lines").get(1).path("excluded").asBoolean()).isTrue();
        assertThat(quote.path("purchaseId").isMissingNode()).isTrue();
        assertThat(quote.path("appliedRules").findValuesAsString("id")).containsExactlyInAnyOrder("base-earning", "next-visit-coupon", "monthly-draw-tickets");
        assertThat(quote.path("messages").toString()).contains("Olga");
        assertThat(account(m.path("id").asLong()).path("pointsPending").asLong()).isZero();

        Api.Response commit = till.post("/api/v1/purchases", Api.json(body));
        assertThat(commit.status()).isEqualTo(201);
        JsonNode recorded = commit.json();
        assertThat(recorded.path("purchaseId").asLong()).isPositive();
        assertThat(recorded.path("pointsEarned").asLong()).isEqualTo(101);
        // The demo: a receipt from 1,000 gets a 100 coupon for the next visit, on the receipt too.
        assertThat(recorded.path("issuedCoupons")).hasSize(1);
        JsonNode coupon = recorded.path("issuedCoupons").get(0);
        assertThat(coupon.path("campaign").asString()).isEqualTo("NEXT-VISIT-100");
        assertThat(coupon.path("value").decimalValue()).isEqualByComparingTo("100");
        assertThat(java.time.OffsetDateTime.parse(coupon.path("validTo").asString()))
                .isAfter(java.time.OffsetDateTime.now().plusDays(29));
        assertThat(recorded.path("messages").toString()).contains(coupon.path("code").asString());
        // And the monthly draw: a ticket per 500 of eligible money (1,015.30 → 2).
        assertThat(recorded.path("drawTickets").get(0).path("numbers")).hasSize(2);
        assertThat(recorded.path("drawTickets").isArray()).isTrue();
        assertThat(recorded.path("member").path("pointsPending").asLong()).isEqualTo(101);
        JsonNode account = account(m.path("id").asLong());
        assertThat(account.path("pointsPending").asLong()).isEqualTo(101);
        assertThat(account.path("pointsAvailable").asLong()).isZero();
    }

    @Test
    void aRetryReplaysTheStoredAnswerAndADifferentBodyIsAConflict() {
        String card = member().path("cardNumber").asString();
        String receiptId = receipt();
        var body = basket(receiptId, card, 0, List.of(line("1", "home", 1, 100)));
        Api.Response first = till.post("/api/v1/purchases", Api.json(body));
        Api.Response again = till.post("/api/v1/purchases", Api.json(body));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.body()).isEqualTo(first.body());
        Api.Response other = till.post("/api/v1/purchases", Api.json(basket(receiptId, card, 0, List.of(line("1", "home", 2, 100)))));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.code()).isEqualTo("RECEIPT_ALREADY_RECORDED");
        assertThat(till.get("/api/v1/purchases?receiptId=" + receiptId).json().path("total").asInt()).isEqualTo(1);
    }

    @Test
    void theSameReceiptIdAtAnotherStoreIsAnotherSale() {
        Store other = stores.create("S" + System.nanoTime() % 1_000_000_000L, "Other", "Europe/Chisinau");
        IssuedTillKey key = stores.createTill(other.id(), "T", null);
        String receiptId = receipt();
        var body = basket(receiptId, null, 0, List.of(line("1", "home", 1, 10)));
        assertThat(till.post("/api/v1/purchases", Api.json(body)).status()).isEqualTo(201);
        Api otherTill = Api.bearer(port, key.key());
        Api.Response there = otherTill.post("/api/v1/purchases", Api.json(body));
        assertThat(there.status()).isEqualTo(201);
        long purchaseHere = till.get("/api/v1/purchases?receiptId=" + receiptId).json().path("items").get(0).path("id").asLong();
        // A till reads and returns only its own store's purchases.
        assertThat(otherTill.get("/api/v1/purchases/" + purchaseHere).status()).isEqualTo(404);
        assertThat(otherTill.post("/api/v1/purchases/" + purchaseHere + "/returns",
                "{\"returnId\":\"X1\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1}]}").status()).isEqualTo(404);
    }

    @Test
    void anonymousSalesAreRecordedWithoutPoints() {
        Api.Response r = till.post("/api/v1/purchases", Api.json(basket(receipt(), null, 0, List.of(line("1", "home", 3, 19.99)))));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("pointsEarned").asLong()).isZero();
        assertThat(r.json().has("member")).isFalse();
        Api.Response redeem = till.post("/api/v1/purchases/quote", Api.json(basket(receipt(), null, 5, List.of(line("1", "home", 1, 100)))));
        assertThat(redeem.status()).isEqualTo(422);
        assertThat(redeem.code()).isEqualTo("INSUFFICIENT_POINTS");
    }

    @Test
    void pointsPayAtMostHalfOfTheEligibleValueAndTooManyIsRefusedWithTheMaximum() {
        JsonNode m = member();
        long id = m.path("id").asLong();
        String card = m.path("cardNumber").asString();
        credit(id, 1000);
        var lines = List.of(line("1", "home", 1, 300), line("2", "alcohol", 1, 500));
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(basket(receipt(), card, 0, lines))).json();
        assertThat(quote.path("maxRedeemablePoints").asLong()).isEqualTo(150);

        Api.Response tooMuch = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 151, lines)));
        assertThat(tooMuch.status()).isEqualTo(422);
        assertThat(tooMuch.code()).isEqualTo("REDEMPTION_LIMIT_EXCEEDED");
        assertThat(tooMuch.json().path("maxRedeemablePoints").asLong()).isEqualTo(150);
        Api.Response overBalance = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 1001,
                List.of(line("1", "home", 1, 5000)))));
        assertThat(overBalance.code()).isEqualTo("INSUFFICIENT_POINTS");
        assertThat(account(id).path("pointsAvailable").asLong()).isEqualTo(1000);

        JsonNode paid = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 150, lines))).json();
        assertThat(paid.path("pointsRedeemed").asLong()).isEqualTo(150);
        assertThat(paid.path("pointsValue").decimalValue()).isEqualByComparingTo("150.00");
        assertThat(paid.path("total").decimalValue()).isEqualByComparingTo("650.00");
        // Only money earns: (300 - 150) / 10 = 15 points; the alcohol line earns nothing.
        assertThat(paid.path("pointsEarned").asLong()).isEqualTo(15);
        assertThat(paid.path("lines").get(1).path("pointsValue").decimalValue()).isEqualByComparingTo("0");
        assertThat(account(id).path("pointsAvailable").asLong()).isEqualTo(850);
    }

    @Test
    void badBasketsAre400sWithTheOffendingFieldsAndRecordNothing() {
        String receiptId = receipt();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"lines\":[]}", "lines");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":1},{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":1}]}", "lines[1].lineId");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":0,\"unitPrice\":1}]}", "lines[0].quantity");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":-1,\"unitPrice\":1}]}", "lines[0].quantity");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":-1}]}", "lines[0].unitPrice");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":1.001}]}", "lines[0].unitPrice");
        cases.put("{\"lines\":[{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":1}]}", "receiptId");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"occurredAt\":\"" + OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)
                + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":1}]}", "occurredAt");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"occurredAt\":\"" + OffsetDateTime.now(ZoneOffset.UTC).minusDays(31)
                + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":1}]}", "occurredAt");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"member\":{\"cardNumber\":\"123\"},\"lines\":[{\"lineId\":\"1\",\"quantity\":1,\"unitPrice\":1}]}", "member.cardNumber");
        cases.put("{\"receiptId\":\"" + receiptId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":\"many\",\"unitPrice\":1}]}", "lines[0].quantity");
        for (var c : cases.entrySet()) {
            Api.Response r = till.post("/api/v1/purchases", c.getKey());
            assertThat(r.status()).as(c.getKey()).isEqualTo(400);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.json().path("errors").findValuesAsString("field")).as(c.getKey()).contains(c.getValue());
        }
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            many.add(line("L" + i, "home", 1, 1));
        }
        assertThat(till.post("/api/v1/purchases", Api.json(basket(receiptId, null, 0, many))).status()).isEqualTo(400);
        assertThat(till.get("/api/v1/purchases?receiptId=" + receiptId).json().path("total").asInt()).isZero();
    }

    @Test
    void unknownCardsAndBlockedMembersAreRefused() {
        Api.Response unknown = till.post("/api/v1/purchases/quote", Api.json(basket(receipt(), io.patron.members.CardNumber.generated(99_999_999_998L).value(), 0,
                List.of(line("1", "home", 1, 1)))));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("MEMBER_NOT_FOUND");
        JsonNode m = member();
        admin.post("/api/v1/members/" + m.path("id").asLong() + "/block", "{\"reason\":\"test\"}");
        String receiptId = receipt();
        Api.Response blocked = till.post("/api/v1/purchases", Api.json(basket(receiptId, m.path("cardNumber").asString(), 0,
                List.of(line("1", "home", 1, 100)))));
        assertThat(blocked.status()).isEqualTo(422);
        assertThat(blocked.code()).isEqualTo("MEMBER_BLOCKED");
        assertThat(till.get("/api/v1/purchases?receiptId=" + receiptId).json().path("total").asInt()).isZero();
    }

    @Test
    void partialReturnsAddUpToExactlyTheWholePurchase() {
        JsonNode m = member();
        long id = m.path("id").asLong();
        String card = m.path("cardNumber").asString();
        credit(id, 100);
        JsonNode purchase = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 100,
                List.of(line("1", "home", 3, 33.33), line("2", "food", 7, 14.29))))).json();
        long purchaseId = purchase.path("purchaseId").asLong();
        long earned = purchase.path("pointsEarned").asLong();
        assertThat(earned).isEqualTo((long) Math.floor((3 * 33.33 + 7 * 14.29 - 100) / 10));
        String path = "/api/v1/purchases/" + purchaseId + "/returns";

        Api.Response first = till.post(path, "{\"returnId\":\"RET-A-" + purchaseId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1},{\"lineId\":\"2\",\"quantity\":3}]}");
        assertThat(first.status()).isEqualTo(201);
        Api.Response replay = till.post(path, "{\"returnId\":\"RET-A-" + purchaseId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1},{\"lineId\":\"2\",\"quantity\":3}]}");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
        Api.Response tooMany = till.post(path, "{\"returnId\":\"RET-B-" + purchaseId + "\",\"lines\":[{\"lineId\":\"2\",\"quantity\":5}]}");
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.code()).isEqualTo("RETURN_EXCEEDS_PURCHASE");
        Api.Response rest = till.post(path, "{\"returnId\":\"RET-C-" + purchaseId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":2},{\"lineId\":\"2\",\"quantity\":4}]}");
        assertThat(rest.status()).isEqualTo(201);

        long reversed = first.json().path("pointsReversed").asLong() + rest.json().path("pointsReversed").asLong();
        long refunded = first.json().path("pointsRefunded").asLong() + rest.json().path("pointsRefunded").asLong();
        assertThat(reversed).isEqualTo(earned);
        assertThat(refunded).isEqualTo(100);
        assertThat(first.json().path("refundMoney").decimalValue().add(rest.json().path("refundMoney").decimalValue()))
                .isEqualByComparingTo(purchase.path("total").decimalValue());
        // Everything came back: the member has exactly what they had before the purchase.
        JsonNode account = account(id);
        assertThat(account.path("pointsAvailable").asLong()).isEqualTo(100);
        assertThat(account.path("pointsPending").asLong()).isZero();
        assertThat(till.post(path, "{\"returnId\":\"RET-D-" + purchaseId + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1}]}").code())
                .isEqualTo("RETURN_EXCEEDS_PURCHASE");
        JsonNode read = till.get("/api/v1/purchases/" + purchaseId).json();
        assertThat(read.path("returns").size()).isEqualTo(2);
    }

    @Test
    void aReturnAfterThePointsWereSpentCanPushTheBalanceBelowZeroAndBlocksRedemption() {
        JsonNode m = member();
        long id = m.path("id").asLong();
        String card = m.path("cardNumber").asString();
        JsonNode purchase = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 0, List.of(line("1", "home", 1, 1000))))).json();
        clock.advance(Duration.ofDays(15));
        assertThat(account(id).path("pointsAvailable").asLong()).isEqualTo(100);
        JsonNode spend = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 100, List.of(line("1", "home", 1, 400))))).json();
        assertThat(spend.path("pointsRedeemed").asLong()).isEqualTo(100);
        // 30 points from the second purchase are pending; the first purchase is returned whole.
        JsonNode ret = till.post("/api/v1/purchases/" + purchase.path("purchaseId").asLong() + "/returns",
                "{\"returnId\":\"NEG-" + id + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1}]}").json();
        assertThat(ret.path("pointsReversed").asLong()).isEqualTo(100);
        JsonNode account = account(id);
        assertThat(account.path("pointsPending").asLong()).isZero();
        assertThat(account.path("pointsAvailable").asLong()).isEqualTo(-70);
        Api.Response redeem = till.post("/api/v1/purchases/quote", Api.json(basket(receipt(), card, 1, List.of(line("1", "home", 1, 400)))));
        assertThat(redeem.code()).isEqualTo("INSUFFICIENT_POINTS");
        assertThat(redeem.json().path("maxRedeemablePoints").asLong()).isZero();
    }

    @Test
    void pointsMatureAfter14DaysAndExpireAfter12MonthsCountedFromTheSale() {
        JsonNode m = member();
        long id = m.path("id").asLong();
        String card = m.path("cardNumber").asString();
        // An offline till replays yesterday's sale today: the return window counts from its arrival (a
        // backdated sale must not skip it), expiry from the sale itself.
        OffsetDateTime yesterday = OffsetDateTime.now(clock).minusDays(1);
        var body = basket(receipt(), card, 0, List.of(line("1", "home", 1, 500)));
        body.put("occurredAt", yesterday.toString());
        assertThat(till.post("/api/v1/purchases", Api.json(body)).status()).isEqualTo(201);
        assertThat(account(id).path("pointsPending").asLong()).isEqualTo(50);
        clock.advance(Duration.ofDays(13).plusHours(1));
        assertThat(account(id).path("pointsPending").asLong()).as("14 days from arrival, not from the sale").isEqualTo(50);
        clock.advance(Duration.ofDays(1));
        assertThat(account(id).path("pointsAvailable").asLong()).isEqualTo(50);
        clock.advance(Duration.ofDays(299));
        JsonNode soon = account(id);
        assertThat(soon.path("expiring").get(0).path("points").asLong()).isEqualTo(50);
        clock.advance(Duration.ofDays(60));
        // Expired before the job ran: never counted as available.
        assertThat(account(id).path("pointsAvailable").asLong()).isZero();
        expiry.expireDue();
        assertThat(account(id).path("pointsAvailable").asLong()).isZero();
        JsonNode history = admin.get("/api/v1/members/" + id + "/ledger").json();
        assertThat(history.path("items").get(0).path("code").asString()).isEqualTo("EXPIRE");
        assertThat(history.path("items").get(0).path("points").asLong()).isEqualTo(-50);
        assertThat(history.path("items").get(0).path("description").asString()).isNotBlank();
    }

    @Test
    void aReturnAfterExpiryDoesNotTakeTheExpiredPointsTwice() {
        JsonNode m = member();
        long id = m.path("id").asLong();
        String card = m.path("cardNumber").asString();
        JsonNode purchase = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 0, List.of(line("1", "home", 1, 800))))).json();
        clock.advance(Duration.ofDays(400));
        expiry.expireDue();
        JsonNode ret = till.post("/api/v1/purchases/" + purchase.path("purchaseId").asLong() + "/returns",
                "{\"returnId\":\"EXP-" + id + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1}]}").json();
        assertThat(ret.path("pointsReversed").asLong()).isZero();
        assertThat(ret.path("pointsForgiven").asLong()).isEqualTo(80);
        assertThat(account(id).path("pointsAvailable").asLong()).isZero();
    }

    @Test
    void theDiscountLadderFollowsQualifyingSpendFromTheNextReceiptAndReturnsLowerIt() {
        JsonNode m = member();
        long id = m.path("id").asLong();
        String card = m.path("cardNumber").asString();
        JsonNode before = account(id);
        assertThat(before.path("tier").path("name").asString()).isEqualTo("Base");
        assertThat(before.path("nextTier").path("name").asString()).isEqualTo("5 %");
        assertThat(before.path("nextTier").path("amountNeeded").decimalValue()).isEqualByComparingTo("2000");

        JsonNode first = till.post("/api/v1/purchases", Api.json(basket(receipt(), card, 0, List.of(line("1", "home", 1, 2500))))).json();
        assertThat(first.path("discountTotal").decimalValue()).as("the qualifying sale itself gets no discount").isEqualByComparingTo("0");
        JsonNode after = account(id);
        assertThat(after.path("tier").path("name").asString()).isEqualTo("5 %");
        assertThat(after.path("nextTier").path("amountNeeded").decimalValue()).isEqualByComparingTo("7500");

        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(basket(receipt(), card, 0,
                List.of(line("1", "home", 1, 1000), line("2", "tobacco", 1, 300))))).json();
        // 5 % on the eligible line only; points are earned on what is paid: 950 / 10.
        assertThat(quote.path("discountTotal").decimalValue()).isEqualByComparingTo("50.00");
        assertThat(quote.path("lines").get(1).path("discount").decimalValue()).isEqualByComparingTo("0");
        assertThat(quote.path("total").decimalValue()).isEqualByComparingTo("1250.00");
        assertThat(quote.path("pointsEarned").asLong()).isEqualTo(95);
        assertThat(quote.path("appliedRules").findValuesAsString("id")).contains("tier");
        assertThat(quote.path("messages").toString()).as("the cashier hears how far the next tier is").contains("«7 %»");

        till.post("/api/v1/purchases/" + first.path("purchaseId").asLong() + "/returns",
                "{\"returnId\":\"TIER-" + id + "\",\"lines\":[{\"lineId\":\"1\",\"quantity\":1}]}");
        assertThat(account(id).path("tier").path("name").asString()).as("a return lowers the qualifying spend").isEqualTo("Base");
    }

    @Test
    void adjustmentsNeedAReasonAndAreIdempotent() {
        long id = member().path("id").asLong();
        String path = "http://localhost:" + port + "/api/v1/members/" + id + "/adjustments";
        java.util.function.BiFunction<String, String, Api.Response> post = (key, body) -> admin.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(path)).header("Content-Type", "application/json")
                        .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        assertThat(post.apply("k1", "{\"points\":50}").status()).isEqualTo(400);
        assertThat(post.apply("k1", "{\"points\":50,\"reason\":\"goodwill\"}").status()).isEqualTo(201);
        Api.Response again = post.apply("k1", "{\"points\":50,\"reason\":\"goodwill\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(post.apply("k1", "{\"points\":60,\"reason\":\"goodwill\"}").code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(post.apply("k2", "{\"points\":-51,\"reason\":\"too much\"}").code()).isEqualTo("INSUFFICIENT_POINTS");
        assertThat(account(id).path("pointsAvailable").asLong()).isEqualTo(50);
        assertThat(Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members/" + id + "/adjustments", "{}").status()).isEqualTo(403);
    }
}
