package io.patron.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Members with a phone and no e-mail hear from the journeys by SMS, in their language: the service
 * ones always, the marketing ones only with their SMS consent.
 */
class SmsJourneysTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private long enrol(String phone, boolean smsConsent) {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        return till.post("/api/v1/members", Api.json(Map.of("phone", phone, "firstName", "Ольга", "language", "ru",
                "consents", Map.of("smsMarketing", smsConsent)))).json().path("id").asLong();
    }

    private void buy(long memberId, String phone) {
        Api.Response r = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/purchases", Api.json(Map.of("receiptId", "SMSJ-" + System.nanoTime(),
                "member", Map.of("phone", phone), "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 300)),
                "pointsToRedeem", 0)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private List<String> texts(String phone, String kind) {
        return jdbc.sql("SELECT body FROM sms_outbox WHERE recipient = :p AND kind = :k").param("p", phone).param("k", kind)
                .query(String.class).list();
    }

    private String status(long memberId, String journey) {
        return jdbc.sql("SELECT status FROM journey_sends WHERE member_id = :m AND kind = :k").param("m", memberId).param("k", journey)
                .query(String.class).single();
    }

    @Test
    void aMemberWithoutEmailGetsTheWelcomeBySmsInTheirLanguageAndMarketingOnlyWithConsent() {
        String phone = TestData.phone();
        long member = enrol(phone, false);
        settle();
        String card = jdbc.sql("SELECT card_number FROM cards WHERE member_id = :m").param("m", member).query(String.class).single();
        assertThat(texts(phone, "journey-welcome")).singleElement().asString()
                .startsWith("Ольга, добро пожаловать").contains(card);
        assertThat(status(member, "WELCOME")).isEqualTo("QUEUED");

        buy(member, phone);
        settle();
        assertThat(status(member, "FIRST_PURCHASE")).isEqualTo("NO_CONSENT");
        assertThat(texts(phone, "journey-first-purchase")).isEmpty();

        String consenting = TestData.phone();
        long withConsent = enrol(consenting, true);
        buy(withConsent, consenting);
        settle();
        assertThat(status(withConsent, "FIRST_PURCHASE")).isEqualTo("QUEUED");
        assertThat(texts(consenting, "journey-first-purchase")).singleElement().asString().startsWith("Ольга, спасибо за первую покупку");
        assertThat(jdbc.sql("SELECT encoding FROM sms_outbox WHERE recipient = :p AND kind = 'journey-first-purchase'")
                .param("p", consenting).query(String.class).single()).isEqualTo("UCS2");
    }
}
