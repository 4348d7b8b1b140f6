package io.patron.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The reward catalogue: the stock never goes below zero and points are never debited twice under
 * concurrent redemptions, vouchers issue a coupon in the same transaction, gifts are fulfilled,
 * cancellations give stock and points back, and tier, per-member and birthday rules hold.
 */
class RewardsTest extends IntegrationTest {

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    @LocalServerPort
    int port;

    Api admin;
    Api till;

    @BeforeEach
    void setUp() {
        admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        till = Api.bearer(port, DEMO_TILL_KEY);
    }

    private static String tag() {
        return "R" + Long.toString(System.nanoTime() % 1_000_000_000L, 36).toUpperCase();
    }

    private JsonNode item(Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", tag());
        body.put("name", "Mug");
        body.put("kind", "GIFT");
        body.put("pointsPrice", 100);
        body.putAll(fields);
        Api.Response r = admin.post("/api/v1/rewards", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private long member(long points, LocalDate birthDate) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", TestData.email());
        if (birthDate != null) {
            body.put("birthDate", birthDate.toString());
        }
        long id = till.post("/api/v1/members", Api.json(body)).json().path("id").asLong();
        if (points > 0) {
            Api.Response r = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://localhost:" + port + "/api/v1/members/" + id + "/adjustments"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", "reward-" + System.nanoTime())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":" + points + ",\"reason\":\"test\"}")));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        return id;
    }

    private long available(long member) {
        return admin.get("/api/v1/members/" + member + "/account").json().path("pointsAvailable").asLong();
    }

    private Api.Response redeem(long member, long item) {
        return admin.post("/api/v1/members/" + member + "/rewards/" + item + "/redeem", "");
    }

    private static <T> List<T> atOnce(List<java.util.concurrent.Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CyclicBarrier start = new CyclicBarrier(calls.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (var call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twelveMembersAfterFiveInStockGetFiveAndTheStockStopsAtZero() throws Exception {
        long item = item(Map.of("stock", 5)).path("id").asLong();
        List<Long> members = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            members.add(member(100, null));
        }
        List<java.util.concurrent.Callable<Api.Response>> calls = new ArrayList<>();
        members.forEach(m -> calls.add(() -> redeem(m, item)));
        List<Api.Response> answers = atOnce(calls);
        assertThat(answers.stream().filter(r -> r.status() == 201)).hasSize(5);
        assertThat(answers.stream().filter(r -> r.status() != 201).map(Api.Response::code)).containsOnly("OUT_OF_STOCK").hasSize(7);
        JsonNode stored = admin.get("/api/v1/rewards").json();
        stored.forEach(i -> {
            if (i.path("id").asLong() == item) {
                assertThat(i.path("stock").asInt()).isZero();
            }
        });
        long spent = members.stream().mapToLong(m -> 100 - available(m)).sum();
        assertThat(spent).isEqualTo(500);
    }

    @Test
    void oneMemberRedeemingFourTimesAtOnceIsDebitedOnlyWhatTheyHave() throws Exception {
        long item = item(Map.of()).path("id").asLong();
        long member = member(150, null);
        List<java.util.concurrent.Callable<Api.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(() -> redeem(member, item));
        }
        List<Api.Response> answers = atOnce(calls);
        assertThat(answers.stream().filter(r -> r.status() == 201)).hasSize(1);
        assertThat(answers.stream().filter(r -> r.status() != 201).map(Api.Response::code)).containsOnly("INSUFFICIENT_POINTS");
        assertThat(available(member)).isEqualTo(50);
    }

    @Test
    void aVoucherIssuesItsCouponWithTheDebitAndCancellingVoidsItAndGivesThePointsBack() {
        String campaign = tag();
        assertThat(admin.post("/api/v1/coupon-campaigns", Api.json(Map.of("code", campaign, "name", "Voucher 200",
                "effectType", "FIXED_DISCOUNT", "effectValue", 200, "validDays", 60))).status()).isEqualTo(201);
        long item = item(Map.of("kind", "VOUCHER", "campaignCode", campaign, "pointsPrice", 300)).path("id").asLong();
        long member = member(500, null);
        Api.Response redeemed = redeem(member, item);
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(201);
        assertThat(redeemed.json().path("status").asString()).isEqualTo("ISSUED");
        String code = redeemed.json().path("couponCode").asString();
        assertThat(code).startsWith(campaign + "-");
        assertThat(available(member)).isEqualTo(200);
        assertThat(admin.get("/api/v1/members/" + member + "/coupons").json().findValuesAsString("code")).contains(code);

        Api.Response cancelled = admin.post("/api/v1/reward-redemptions/" + redeemed.json().path("id").asLong() + "/cancel", "");
        assertThat(cancelled.json().path("status").asString()).isEqualTo("CANCELLED");
        assertThat(available(member)).isEqualTo(500);
        String card = admin.get("/api/v1/members/" + member).json().path("cardNumber").asString();
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(Map.of("receiptId", "RQ-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1,
                        "unitPrice", 500)), "couponCodes", List.of(code)))).json();
        assertThat(quote.path("coupons").get(0).path("reason").asString()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aGiftIsOrderedThenReadyThenHandedOverAndCannotBeCancelledAfterwards() {
        long item = item(Map.of("stock", 2)).path("id").asLong();
        long member = member(300, null);
        JsonNode first = redeem(member, item).json();
        assertThat(first.path("status").asString()).isEqualTo("ORDERED");
        long id = first.path("id").asLong();
        assertThat(admin.post("/api/v1/reward-redemptions/" + id + "/status", Api.json(Map.of("status", "READY")))
                .json().path("status").asString()).isEqualTo("READY");
        assertThat(admin.post("/api/v1/reward-redemptions/" + id + "/status", Api.json(Map.of("status", "HANDED_OVER")))
                .json().path("status").asString()).isEqualTo("HANDED_OVER");
        assertThat(admin.post("/api/v1/reward-redemptions/" + id + "/cancel", "").code()).isEqualTo("NOT_CANCELLABLE");
        assertThat(admin.post("/api/v1/reward-redemptions/" + id + "/status", Api.json(Map.of("status", "READY"))).code())
                .isEqualTo("INVALID_STATUS_CHANGE");

        long second = redeem(member, item).json().path("id").asLong();
        assertThat(available(member)).isEqualTo(100);
        assertThat(redeem(member(100, null), item).code()).as("the stock is used up").isEqualTo("OUT_OF_STOCK");
        admin.post("/api/v1/reward-redemptions/" + second + "/cancel", "");
        assertThat(available(member)).isEqualTo(200);
        assertThat(redeem(member(100, null), item).status()).as("the cancelled one is back in stock").isEqualTo(201);
    }

    @Test
    void tiersPerMemberLimitsAndTheBirthdayGiftOncePerYear() {
        long forHigher = item(Map.of("minTier", "5 %")).path("id").asLong();
        assertThat(redeem(member(1000, null), forHigher).code()).isEqualTo("TIER_TOO_LOW");
        long once = item(Map.of("perMemberLimit", 1)).path("id").asLong();
        long member = member(1000, null);
        assertThat(redeem(member, once).status()).isEqualTo(201);
        assertThat(redeem(member, once).code()).isEqualTo("LIMIT_REACHED");

        long cake = item(Map.of("name", "Birthday cake", "birthdayPoints", 0, "pointsPrice", 500)).path("id").asLong();
        long onlyBirthday = admin.post("/api/v1/rewards", Api.json(Map.of("code", tag(), "name", "Birthday flowers", "kind", "GIFT",
                "birthdayPoints", 0))).json().path("id").asLong();
        LocalDate today = LocalDate.now(MOSCOW);
        long birthday = member(0, today.minusYears(30));
        JsonNode catalogue = admin.get("/api/v1/members/" + birthday + "/rewards").json();
        assertThat(catalogue.findValues("item").stream().map(i -> i.path("id").asLong())).contains(cake, onlyBirthday);
        Api.Response gift = redeem(birthday, cake);
        assertThat(gift.status()).as(gift.body()).isEqualTo(201);
        assertThat(gift.json().path("points").asLong()).as("free on the birthday").isZero();
        assertThat(redeem(birthday, onlyBirthday).code()).as("one birthday gift a year").isEqualTo("BIRTHDAY_GIFT_TAKEN");

        long notToday = member(1000, today.minusYears(30).minusDays(40));
        assertThat(redeem(notToday, onlyBirthday).code()).isEqualTo("NOT_IN_BIRTHDAY_WINDOW");
        assertThat(admin.get("/api/v1/members/" + notToday + "/rewards").json().findValues("item").stream()
                .map(i -> i.path("id").asLong())).doesNotContain(onlyBirthday).contains(cake);
        Api.Response paid = redeem(notToday, cake);
        assertThat(paid.json().path("points").asLong()).as("outside the window the item has its price").isEqualTo(500);
    }
}
