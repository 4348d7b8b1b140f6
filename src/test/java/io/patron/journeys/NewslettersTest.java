package io.patron.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.WebSession;
import io.patron.common.Language;
import io.patron.messaging.MailTemplates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A newsletter to a segment: counted before sending, sent to members who agreed to marketing mail in
 * their language, a stable hold-out share left out, every member recorded once however often it runs.
 */
class NewslettersTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Newsletters newsletters;

    @Autowired
    MailTemplates templates;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aNewsletterReachesTheSegmentsConsentingMembersButItsHoldOut() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        String code = "NL" + System.nanoTime() % 10_000_000L;
        long store = admin.post("/api/v1/stores", Api.json(Map.of("code", code, "name", "Newsletter store", "timeZone", "Europe/Moscow")))
                .json().path("id").asLong();
        Api.Response tillKey = admin.post("/api/v1/stores/" + store + "/tills", Api.json(Map.of("name", "t1")));
        assertThat(tillKey.status()).as(tillKey.body()).isEqualTo(201);
        Api till = Api.bearer(port, tillKey.json().path("key").asString());
        List<Long> agreed = new ArrayList<>();
        List<Long> notAgreed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean consent = i % 4 != 0;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("email", TestData.email());
            body.put("firstName", i % 2 == 0 ? "Ольга" : "Olga");
            body.put("language", i % 2 == 0 ? "ru" : "ro");
            body.put("consents", Map.of("emailMarketing", consent));
            Api.Response r = till.post("/api/v1/members", Api.json(body));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            (consent ? agreed : notAgreed).add(r.json().path("id").asLong());
        }
        Api.Response segment = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + port + "/api/v1/segments/" + code)).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Api.json(Map.of("name", "Store " + code,
                        "definition", Map.of("stores", List.of(code)))))));
        assertThat(segment.status()).as(segment.body()).isIn(200, 201);
        templates.save("news-" + code.toLowerCase(), Language.ru, "Новости для {{name}}", "Привет, {{name}}! Карта {{card}}.", null);
        templates.save("news-" + code.toLowerCase(), Language.en, "News for {{name}}", "Hello {{name}}! Card {{card}}.", null);

        assertThat(newsletters.audience(code)).isEqualTo(agreed.size());
        WebSession page = WebSession.admin(port);
        assertThat(page.get("/admin/newsletters/count?segment=" + code).body()).isEqualTo(String.valueOf(agreed.size()));
        page.get("/admin/newsletters");
        var created = page.post("/admin/newsletters", Map.of("name", "Spring news", "template", "news-" + code.toLowerCase(),
                "segment", code, "holdoutPercent", "30"));
        assertThat(WebSession.location(created)).endsWith("/admin/newsletters");
        Newsletters.Newsletter n = newsletters.list(5).getFirst();
        assertThat(n.audience()).isEqualTo(agreed.size());

        newsletters.sendDue();
        newsletters.sendDue();
        Newsletters.Newsletter sent = newsletters.get(n.id());
        assertThat(sent.status()).isEqualTo(Newsletters.Status.SENT);
        List<Newsletters.Recipient> recipients = newsletters.recipients(n.id(), 0, 1000);
        assertThat(recipients).extracting(Newsletters.Recipient::memberId).containsExactlyInAnyOrderElementsOf(agreed);
        long held = 0;
        for (Newsletters.Recipient r : recipients) {
            assertThat(r.holdout()).isEqualTo(Newsletters.heldOut(n.id(), r.memberId(), 30));
            assertThat(r.outboxId() == null).as("held out: nothing sent").isEqualTo(r.holdout());
            held += r.holdout() ? 1 : 0;
        }
        assertThat(held).as("about 30 % of 30 (binomial: outside 1 to 21 less than once in 40,000 runs)").isBetween(1L, 21L);
        assertThat(sent.sent()).isEqualTo(agreed.size() - held);
        assertThat(sent.heldOut()).isEqualTo(held);
        for (long id : notAgreed) {
            assertThat(jdbc.sql("SELECT COUNT(*) FROM mail_outbox WHERE member_id = :m AND kind LIKE 'news-%'").param("m", id)
                    .query(Long.class).single()).isZero();
        }
        // The Russian members got the Russian text; the Romanian ones the English one (no Romanian version).
        List<String> subjects = jdbc.sql("SELECT subject FROM mail_outbox WHERE kind = :k ORDER BY id").param("k", "news-" + code.toLowerCase())
                .query(String.class).list();
        assertThat(subjects).hasSize((int) (agreed.size() - held)).allMatch(s -> s.equals("Новости для Ольга") || s.equals("News for Olga"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM mail_outbox WHERE kind = :k AND marketing = TRUE AND list_unsubscribe IS NOT NULL")
                .param("k", "news-" + code.toLowerCase()).query(Long.class).single()).isEqualTo(agreed.size() - held);
    }

    @Test
    void theHoldOutShareIsStableAndNearTheAskedShare() {
        int held = 0;
        for (long member = 1; member <= 10_000; member++) {
            if (Newsletters.heldOut(42, member, 20)) {
                held++;
            }
            assertThat(Newsletters.heldOut(42, member, 20)).isEqualTo(Newsletters.heldOut(42, member, 20));
        }
        assertThat(held).isBetween(1_850, 2_150);
        assertThat(Newsletters.heldOut(42, 7, 0)).isFalse();
    }
}
