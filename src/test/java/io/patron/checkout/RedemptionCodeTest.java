package io.patron.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Points are money: the demo programme asks for a one-time code whenever points are spent on a member
 * the cashier identified by phone alone. Without the code nothing is spent; the right code works once;
 * a wrong, replayed or expired code is refused; ten wrong codes lock the flow for the member.
 */
class RedemptionCodeTest extends IntegrationTest {

    private static final AtomicLong RECEIPTS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

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

    private record Shopper(long id, String card, String phone) {
    }

    /** A member with a phone and no e-mail, holding 1,000 available points. */
    private Shopper shopper() {
        String phone = TestData.phone();
        JsonNode m = till.post("/api/v1/members", Api.json(Map.of("phone", phone, "firstName", "Ion", "language", "ro"))).json();
        long id = m.path("id").asLong();
        Api.Response r = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + port + "/api/v1/members/" + id + "/adjustments"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "credit-" + System.nanoTime())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":1000,\"reason\":\"test credit\"}")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new Shopper(id, m.path("cardNumber").asString(), phone);
    }

    private static Map<String, Object> byPhone(String phone, long points, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiptId", "OTP-" + RECEIPTS.incrementAndGet());
        body.put("member", Map.of("phone", phone));
        body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 1000)));
        body.put("pointsToRedeem", points);
        if (code != null) {
            body.put("redemptionCode", code);
        }
        return body;
    }

    private Api.Response askForCode(String phone, long points) {
        return till.post("/api/v1/purchases/redemption-codes", Api.json(Map.of("member", Map.of("phone", phone), "pointsToRedeem", points)));
    }

    /** The code as the member's phone got it: no provider is configured in tests, so the message is kept in the outbox with its secret. */
    private String codeSentTo(String phone) {
        return jdbc.sql("SELECT secret FROM sms_outbox WHERE recipient = :p AND kind = 'redemption-code' ORDER BY id DESC LIMIT 1")
                .param("p", phone).query(String.class).single();
    }

    private long available(long memberId) {
        return till.get("/api/v1/members/" + memberId + "/account").json().path("pointsAvailable").asLong();
    }

    @Test
    void spendingPointsByPhoneNeedsTheCodeSentToThatPhoneAndTheCodeWorksOnce() {
        Shopper s = shopper();
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(byPhone(s.phone(), 200, null))).json();
        assertThat(quote.path("redemptionCodeRequired").asBoolean()).isTrue();
        assertThat(quote.path("pointsRedeemed").asLong()).isEqualTo(200);

        Api.Response without = till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 200, null)));
        assertThat(without.status()).isEqualTo(422);
        assertThat(without.json().path("code").asString()).isEqualTo("REDEMPTION_CODE_REQUIRED");
        assertThat(without.json().path("errors").get(0).path("field").asString()).isEqualTo("redemptionCode");
        assertThat(available(s.id())).isEqualTo(1000);

        Api.Response sent = askForCode(s.phone(), 200);
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        assertThat(sent.json().path("channel").asString()).isEqualTo("SMS");
        assertThat(sent.json().path("sentTo").asString()).endsWith(s.phone().substring(s.phone().length() - 4)).doesNotContain(s.phone());
        String code = codeSentTo(s.phone());
        assertThat(code).matches("\\d{6}");
        // The stored text shows a mark where the code is: nobody reading the outbox can spend the points.
        String stored = jdbc.sql("SELECT body FROM sms_outbox WHERE recipient = :p ORDER BY id DESC LIMIT 1").param("p", s.phone())
                .query(String.class).single();
        assertThat(stored).doesNotContain(code).contains(io.patron.sms.Sms.SECRET_MARK);
        assertThat(jdbc.sql("SELECT code_hash FROM redemption_codes WHERE member_id = :m").param("m", s.id()).query(String.class).single())
                .doesNotContain(code);

        String wrong = code.equals("000000") ? "111111" : "000000";
        Api.Response refused = till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 200, wrong)));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("code").asString()).isEqualTo("REDEMPTION_CODE_INVALID");
        assertThat(available(s.id())).isEqualTo(1000);

        Map<String, Object> sale = byPhone(s.phone(), 200, code);
        Api.Response recorded = till.post("/api/v1/purchases", Api.json(sale));
        assertThat(recorded.status()).as(recorded.toString()).isEqualTo(201);
        assertThat(recorded.json().path("pointsRedeemed").asLong()).isEqualTo(200);
        assertThat(available(s.id())).isEqualTo(800);

        // The till's retry of the same sale is its replay, not a second use of the code.
        Api.Response retry = till.post("/api/v1/purchases", Api.json(sale));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.raw().headers().firstValue("Idempotent-Replayed").orElse(null)).isEqualTo("true");

        // The same code on another receipt is refused: it was used.
        Api.Response replayedCode = till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 200, code)));
        assertThat(replayedCode.status()).isEqualTo(422);
        assertThat(replayedCode.json().path("code").asString()).isEqualTo("REDEMPTION_CODE_INVALID");
        assertThat(available(s.id())).isEqualTo(800);
    }

    @Test
    void aCardNeedsNoCodeAndAPhoneSaleWithoutPointsNeedsNone() {
        Shopper s = shopper();
        Map<String, Object> byCard = byPhone(s.phone(), 100, null);
        byCard.put("member", Map.of("cardNumber", s.card()));
        JsonNode quote = till.post("/api/v1/purchases/quote", Api.json(byCard)).json();
        assertThat(quote.has("redemptionCodeRequired")).isFalse();
        assertThat(till.post("/api/v1/purchases", Api.json(byCard)).status()).isEqualTo(201);
        assertThat(till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 0, null))).status()).isEqualTo(201);
        assertThat(available(s.id())).isEqualTo(900);
    }

    @Test
    void aCodeExpiresIsBoundToItsPointsAndANewOneReplacesTheOld() {
        Shopper s = shopper();
        assertThat(askForCode(s.phone(), 100).status()).isEqualTo(201);
        String first = codeSentTo(s.phone());
        Api.Response tooSoon = askForCode(s.phone(), 100);
        assertThat(tooSoon.status()).isEqualTo(429);
        assertThat(tooSoon.json().path("code").asString()).isEqualTo("CODE_REQUESTED_TOO_OFTEN");
        assertThat(tooSoon.raw().headers().firstValue("Retry-After").orElse("")).isNotBlank();

        Api.Response more = till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 150, first)));
        assertThat(more.status()).isEqualTo(422);
        assertThat(more.json().path("code").asString()).isEqualTo("REDEMPTION_CODE_MISMATCH");

        clock.advance(Duration.ofMinutes(6));
        Api.Response expired = till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 100, first)));
        assertThat(expired.status()).isEqualTo(422);
        assertThat(expired.json().path("code").asString()).isEqualTo("REDEMPTION_CODE_EXPIRED");

        assertThat(askForCode(s.phone(), 100).status()).isEqualTo(201);
        String second = codeSentTo(s.phone());
        if (!second.equals(first)) {
            assertThat(till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 100, first))).json().path("code").asString())
                    .isEqualTo("REDEMPTION_CODE_INVALID");
        }
        assertThat(till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 100, second))).status()).isEqualTo(201);
        assertThat(available(s.id())).isEqualTo(900);
    }

    @Test
    void tenWrongCodesLockTheFlowForTheMemberEvenForTheRightCode() {
        Shopper s = shopper();
        assertThat(askForCode(s.phone(), 100).status()).isEqualTo(201);
        String code = codeSentTo(s.phone());
        int wrongs = 0;
        for (int guess = 0; wrongs < 10; guess++) {
            String attempt = String.format("%06d", guess);
            if (attempt.equals(code)) {
                continue;
            }
            Api.Response r = till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 100, attempt)));
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.json().path("code").asString()).isIn("REDEMPTION_CODE_INVALID", "REDEMPTION_CODE_LOCKED");
            wrongs++;
            if (wrongs % 5 == 0 && wrongs < 10) {
                // Five wrong attempts close a code: the member asks for a new one.
                clock.advance(Duration.ofSeconds(31));
                assertThat(askForCode(s.phone(), 100).status()).isEqualTo(201);
                code = codeSentTo(s.phone());
            }
        }
        Api.Response locked = till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 100, code)));
        assertThat(locked.status()).isEqualTo(422);
        assertThat(locked.json().path("code").asString()).isEqualTo("REDEMPTION_CODE_LOCKED");
        clock.advance(Duration.ofSeconds(31));
        assertThat(askForCode(s.phone(), 100).json().path("code").asString()).isEqualTo("REDEMPTION_CODE_LOCKED");
        assertThat(available(s.id())).isEqualTo(1000);

        clock.advance(Duration.ofMinutes(61));
        assertThat(askForCode(s.phone(), 100).status()).isEqualTo(201);
        assertThat(till.post("/api/v1/purchases", Api.json(byPhone(s.phone(), 100, codeSentTo(s.phone())))).status()).isEqualTo(201);
    }

    @Test
    void aMemberWithoutPhoneGetsTheCodeByEmailAndOneWithoutContactCannotBeServedByCode() {
        String email = TestData.email();
        JsonNode m = till.post("/api/v1/members", Api.json(Map.of("email", email, "firstName", "Anna"))).json();
        Map<String, Object> request = Map.of("member", Map.of("cardNumber", m.path("cardNumber").asString()), "pointsToRedeem", 10);
        Api.Response sent = till.post("/api/v1/purchases/redemption-codes", Api.json(request));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        assertThat(sent.json().path("channel").asString()).isEqualTo("EMAIL");
        assertThat(sent.json().path("sentTo").asString()).startsWith("m").endsWith("@example.org").doesNotContain(email);
        String mail = jdbc.sql("SELECT body_text FROM mail_outbox WHERE recipient = :r AND kind = 'redemption-code'").param("r", email)
                .query(String.class).single();
        assertThat(mail).contains(io.patron.messaging.Mail.SECRET_MARK);

        Api.Response invalid = till.post("/api/v1/purchases/redemption-codes", Api.json(Map.of("member", Map.of("phone", TestData.phone()))));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("errors").findValuesAsString("field")).contains("pointsToRedeem");
    }
}
