package io.patron.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.PortalSession;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A shopper without e-mail signs in to the portal with a code sent by text message to the phone of
 * their card; a number that is no member's gets the very same pages; wrong codes are counted and a
 * code works once.
 */
class PhoneSignInTest extends IntegrationTest {

    private static final Pattern CHALLENGE = Pattern.compile("/portal/login/code\\?challenge=([A-Za-z0-9_-]+)");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private static String phone() {
        return "+7916" + String.format("%07d", System.nanoTime() % 10_000_000L);
    }

    private String challenge(PortalSession browser, String phone) throws Exception {
        browser.csrfFrom("/portal/login");
        HttpResponse<String> sent = browser.post("/portal/login/phone", "phone=" + URLEncoder.encode(phone, StandardCharsets.UTF_8));
        assertThat(sent.statusCode()).isEqualTo(302);
        Matcher m = CHALLENGE.matcher(sent.headers().firstValue("Location").orElse(""));
        assertThat(m.find()).as(sent.headers().toString()).isTrue();
        browser.csrfFrom("/portal/login/code?challenge=" + m.group(1));
        return m.group(1);
    }

    private HttpResponse<String> enter(PortalSession browser, String challenge, String code) throws Exception {
        return browser.post("/portal/login/code", "challenge=" + challenge + "&code=" + code);
    }

    @Test
    void aShopperWithoutEmailSignsInWithACodeByTextMessage() throws Exception {
        String phone = phone();
        // Born on this day (in the programme's zone, Moscow) thirty years ago: the card greets them this week.
        String birthDate = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Moscow")).minusYears(30).toString();
        Api.Response enrolled = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("phone", phone, "firstName", "Gayane",
                "birthDate", birthDate)));
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        String card = enrolled.json().path("cardNumber").asString();

        PortalSession browser = PortalSession.anonymous(port);
        String challenge = challenge(browser, phone);
        String code = jdbc.sql("SELECT secret FROM sms_outbox WHERE recipient = :r AND kind = 'sign-in-code' ORDER BY id DESC LIMIT 1")
                .param("r", phone).query(String.class).single();
        assertThat(code).matches("\\d{6}");
        assertThat(jdbc.sql("SELECT body FROM sms_outbox WHERE recipient = :r AND kind = 'sign-in-code' ORDER BY id DESC LIMIT 1")
                .param("r", phone).query(String.class).single()).as("the code is not kept in the message's text").doesNotContain(code);

        String wrongCode = code.equals("000000") ? "111111" : "000000";
        HttpResponse<String> wrong = enter(browser, challenge, wrongCode);
        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(wrong.body()).contains("id=\"code-wrong\"");
        HttpResponse<String> right = enter(browser, challenge, code);
        assertThat(right.statusCode()).isEqualTo(302);
        assertThat(right.headers().firstValue("Location").orElse("")).endsWith("/portal");
        HttpResponse<String> cardPage = browser.get("/portal");
        assertThat(cardPage.statusCode()).isEqualTo(200);
        assertThat(cardPage.body()).contains(card);
        // The card says the tier, what the next one needs, and greets the birthday week.
        assertThat(cardPage.body()).contains("id=\"tier\"").contains("id=\"tier-next\"").contains("<progress")
                .contains("id=\"birthday\"");

        // The code worked once.
        PortalSession other = PortalSession.anonymous(port);
        other.csrfFrom("/portal/login/code?challenge=" + challenge);
        assertThat(enter(other, challenge, code).headers().firstValue("Location")).isEmpty();
    }

    @Test
    void aNumberOfNobodyGetsTheSamePagesAndWrongCodesCloseTheChallenge() throws Exception {
        PortalSession browser = PortalSession.anonymous(port);
        String nobody = phone();
        String challenge = challenge(browser, nobody);
        HttpResponse<String> page = browser.get("/portal/login/code?challenge=" + challenge);
        assertThat(page.body()).contains("id=\"portal-code\"").doesNotContain("id=\"code-closed\"");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sms_outbox WHERE recipient = :r").param("r", nobody).query(Long.class).single()).isZero();
        assertThat(enter(browser, challenge, "123456").body()).contains("id=\"code-wrong\"");

        String phone = phone();
        assertThat(Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("phone", phone))).status()).isEqualTo(201);
        PortalSession shopper = PortalSession.anonymous(port);
        String mine = challenge(shopper, phone);
        String code = jdbc.sql("SELECT secret FROM sms_outbox WHERE recipient = :r AND kind = 'sign-in-code' ORDER BY id DESC LIMIT 1")
                .param("r", phone).query(String.class).single();
        String wrongCode = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            enter(shopper, mine, wrongCode);
        }
        HttpResponse<String> late = enter(shopper, mine, code);
        assertThat(late.statusCode()).as("five wrong codes close it, the right one included").isEqualTo(200);
        assertThat(late.body()).contains("id=\"code-closed\"");
    }
}
