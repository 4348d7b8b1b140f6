package io.patron.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.messaging.internal.OutboxRepository;
import io.patron.messaging.internal.SmtpDelivery;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The journeys against a real SMTP server (GreenMail): each fires once and only once as the clock
 * moves, also with a second Patron instance on the same database; marketing mail only with consent;
 * one-click unsubscribe from the link and from the RFC 8058 header; templates in all four languages.
 */
class JourneysTest extends IntegrationTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP);

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Journeys journeys;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    OutboxRepository outbox;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    javax.sql.DataSource dataSource;

    Api till;

    @BeforeEach
    void setUp() {
        till = Api.bearer(port, DEMO_TILL_KEY);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static final ZoneId ZONE = ZoneId.of("Europe/Moscow");

    private final Map<Long, String> cards = new java.util.HashMap<>();

    private long member(String email, boolean consent, LocalDate birthDate, String language) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("firstName", "ru".equals(language) ? "Ольга" : "hy".equals(language) ? "Անի" : "Olga");
        body.put("language", language);
        if (birthDate != null) {
            body.put("birthDate", birthDate.toString());
        }
        body.put("consents", Map.of("emailMarketing", consent));
        Api.Response r = till.post("/api/v1/members", Api.json(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        cards.put(r.json().path("id").asLong(), r.json().path("cardNumber").asString());
        return r.json().path("id").asLong();
    }

    private String card(long member) {
        return cards.get(member);
    }

    private void buy(String card, int amount) {
        Api.Response r = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "J-" + System.nanoTime(),
                "member", Map.of("cardNumber", card),
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", amount)))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** Journey occurrences of a member: kind → status. */
    private Map<String, List<String>> sends(long member) {
        settle();
        Map<String, List<String>> out = new LinkedHashMap<>();
        jdbc.sql("SELECT kind, status FROM journey_sends WHERE member_id = :m ORDER BY id").param("m", member)
                .query((rs, i) -> out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2))).list();
        return out;
    }

    /** The member's journey mails but draw results (other tests may draw a draw the member has tickets in). */
    private List<String> mailKinds(long member) {
        settle();
        return jdbc.sql("SELECT kind FROM mail_outbox WHERE member_id = :m AND kind <> 'journey-draw-results' ORDER BY id")
                .param("m", member).query(String.class).list();
    }

    private List<MimeMessage> received(String to) throws jakarta.mail.MessagingException {
        List<MimeMessage> mine = new ArrayList<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            if (GreenMailUtil.getAddressList(m.getAllRecipients()).contains(to)) {
                mine.add(m);
            }
        }
        return mine;
    }

    @Test
    void eachJourneyFiresOnceAsTheClockMovesAndMarketingNeedsConsent() throws Exception {
        LocalDate today = OffsetDateTime.now(clock).atZoneSameInstant(ZONE).toLocalDate();
        String olgaMail = "olga" + System.nanoTime() + "@example.org";
        long olga = member(olgaMail, true, today.plusDays(12).minusYears(30), "ru");
        long boris = member("boris" + System.nanoTime() + "@example.org", false, today.plusDays(1).minusYears(40), "en");
        assertThat(sends(olga)).containsOnlyKeys("WELCOME");
        assertThat(sends(boris).get("WELCOME")).containsExactly("QUEUED");

        String card = card(olga);
        buy(card, 500);
        buy(card, 400);
        assertThat(sends(olga).get("FIRST_PURCHASE")).containsExactly("QUEUED");
        // 2,000 spent all-time moves a member from Base to "5 %".
        buy(card, 1500);
        assertThat(sends(olga).get("TIER_UPGRADE")).containsExactly("QUEUED");
        buy(card(boris), 100);
        assertThat(sends(boris).get("FIRST_PURCHASE")).as("no marketing mail without consent").containsExactly("NO_CONSENT");

        journeys.runDue();
        assertThat(sends(boris).get("BIRTHDAY")).containsExactly("NO_CONSENT");
        assertThat(sends(olga)).doesNotContainKey("BIRTHDAY");

        clock.advance(Duration.ofDays(2).plusHours(1));
        journeys.runDue();
        journeys.runDue();
        assertThat(sends(olga).get("SURVEY")).as("one survey for the visit, not one per purchase").containsExactly("QUEUED");
        assertThat(sends(olga)).doesNotContainKey("BIRTHDAY");

        // Eight days on, three days before the birthday.
        clock.advance(Duration.ofDays(8));
        journeys.runDue();
        journeys.runDue();
        assertThat(sends(olga).get("BIRTHDAY")).containsExactly("QUEUED");
        String surveyText = jdbc.sql("SELECT body_text FROM mail_outbox WHERE member_id = :m AND kind = 'journey-survey'")
                .param("m", olga).query(String.class).single();
        String link = surveyText.replaceAll("(?s).*(http://\\S+/feedback/t/\\S+).*", "$1");
        assertThat(Api.anonymous(port).get(link.replaceAll("^http://[^/]+", "")).status()).isEqualTo(200);

        clock.advance(Duration.ofDays(51));
        journeys.runDue();
        journeys.runDue();
        assertThat(sends(olga).get("WIN_BACK")).containsExactly("QUEUED");

        // Points earned then expire after 12 months; 14 days before, the reminder (a service mail).
        clock.advance(Duration.ofDays(365 - 61 - 10));
        journeys.runDue();
        journeys.runDue();
        assertThat(sends(olga).get("POINTS_EXPIRING")).containsExactly("QUEUED");
        assertThat(mailKinds(olga)).containsExactly("journey-welcome", "journey-first-purchase", "journey-tier-upgrade",
                "journey-survey", "journey-birthday", "journey-win-back", "journey-points-expiring");
        assertThat(mailKinds(boris)).as("service mails only").containsExactly("journey-welcome", "journey-points-expiring");

        // Through the real SMTP server: Cyrillic intact, the RFC 8058 headers on marketing mail only.
        SmtpDelivery.deliver(olgaMail, ServerSetupTest.SMTP.getPort(), outbox, jdbc, transactions, clock);
        List<MimeMessage> got = received(olgaMail);
        assertThat(got).hasSize(jdbc.sql("SELECT COUNT(*) FROM mail_outbox WHERE member_id = :m").param("m", olga)
                .query(Long.class).single().intValue());
        MimeMessage welcome = got.stream().filter(m -> header(m, "List-Unsubscribe") == null).findFirst().orElseThrow();
        assertThat(welcome.getSubject()).contains("Ольга");
        String birthdaySubject = jdbc.sql("SELECT subject FROM mail_outbox WHERE member_id = :m AND kind = 'journey-birthday'")
                .param("m", olga).query(String.class).single();
        MimeMessage birthday = got.stream().filter(m -> subject(m).equals(birthdaySubject)).findFirst().orElseThrow();
        String unsubscribe = header(birthday, "List-Unsubscribe");
        assertThat(unsubscribe).startsWith("<http").endsWith(">");
        assertThat(header(birthday, "List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");

        // A mail client's one-click unsubscribe: a POST without cookies or CSRF token.
        String url = unsubscribe.substring(1, unsubscribe.length() - 1);
        HttpResponse<String> oneClick = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url.replaceAll("^http://[^/]+", "http://localhost:" + port)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(oneClick.statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT email_consent FROM members WHERE id = :m").param("m", olga).query(Boolean.class).single()).isFalse();
        // A forged link is refused.
        String forged = url.replaceAll("/unsubscribe/\\d+\\.", "/unsubscribe/" + boris + ".");
        assertThat(Api.anonymous(port).get(forged.replaceAll("^http://[^/]+", "")).status()).isEqualTo(404);

        // Unsubscribed: the next marketing occurrence is recorded, not sent.
        buy(card, 100);
        clock.advance(Duration.ofDays(2).plusHours(1));
        journeys.runDue();
        assertThat(sends(olga).get("SURVEY")).containsExactly("QUEUED", "NO_CONSENT");
    }

    @Test
    void marketingMailStaysUnderTheWeeklyLimit() {
        long vera = member("vera" + System.nanoTime() + "@example.org", true, null, "en");
        String card = card(vera);
        buy(card, 2500);
        buy(card, 8000);
        buy(card, 20000);
        // First purchase, then three tier upgrades (5 %, 10,000, 25,000; net of tier discounts) in one week: the fourth is held back.
        assertThat(sends(vera).get("FIRST_PURCHASE")).containsExactly("QUEUED");
        assertThat(sends(vera).get("TIER_UPGRADE")).containsExactly("QUEUED", "QUEUED", "THROTTLED");
        assertThat(mailKinds(vera)).containsExactly("journey-welcome", "journey-first-purchase", "journey-tier-upgrade",
                "journey-tier-upgrade");
    }

    @Autowired
    io.patron.program.Programs programs;

    @Autowired
    tools.jackson.databind.json.JsonMapper json;

    @Test
    void drawResultsReachEveryParticipantOnceAndWinnersWhateverTheirConsent() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        int original = programs.active().version();
        String code = "JD" + System.nanoTime() % 100_000_000L;
        OffsetDateTime now = OffsetDateTime.now(clock);
        Api.Response created = admin.post("/api/v1/draws", Api.json(Map.of("code", code, "name", "Journey draw",
                "entryFrom", now.minusHours(1).toString(), "entryTo", now.plusHours(1).toString(), "autoDraw", false,
                "prizes", List.of(Map.of("name", "Mug", "quantity", 2)))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long drawId = created.json().path("id").asLong();
        try {
            var document = (tools.jackson.databind.node.ObjectNode) json.readTree(programs.documentJson(original));
            ((tools.jackson.databind.node.ArrayNode) document.get("rules")).add(json.valueToTree(Map.of("id", "journey-tickets",
                    "name", "A ticket a sale", "condition", "true", "effect", Map.of("type", "DRAW_TICKETS", "value", 1, "draw", code),
                    "stacking", "STACK")));
            programs.save(json.writeValueAsString(document), "journey draw test", true);
            List<Long> people = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long id = member("draw" + i + "-" + System.nanoTime() + "@example.org", i % 2 == 0, null, "en");
                buy(card(id), 100);
                people.add(id);
            }
            assertThat(admin.post("/api/v1/draws/" + drawId + "/close", "").status()).isEqualTo(200);
            var drawn = admin.post("/api/v1/draws/" + drawId + "/draw", "").json();
            List<Long> winners = new ArrayList<>();
            drawn.path("winners").forEach(w -> winners.add(w.path("memberId").asLong()));
            assertThat(winners).hasSize(2);
            journeys.runDue();
            journeys.runDue();
            for (int i = 0; i < people.size(); i++) {
                long id = people.get(i);
                String expected = winners.contains(id) || i % 2 == 0 ? "QUEUED" : "NO_CONSENT";
                assertThat(sends(id).get("DRAW_RESULTS")).as("member " + i).containsExactly(expected);
            }
        } finally {
            programs.activate(original);
        }
    }

    private static String header(MimeMessage m, String name) {
        try {
            return m.getHeader(name, null);
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theUnsubscribeLinkAndThePreferencesPageWorkForPeople() {
        long anna = member("anna" + System.nanoTime() + "@example.org", true, null, "hy");
        String token = mailLinks.token(new io.patron.members.MemberId(anna));
        Api anyone = Api.anonymous(port);
        Api.Response page = anyone.get("/mail/unsubscribe/" + token + "?lang=hy");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"unsubscribe\"");
        Api.Response prefs = anyone.get("/mail/preferences/" + token);
        assertThat(prefs.status()).isEqualTo(200);
        assertThat(prefs.body()).contains("id=\"consent\"").contains("checked");
        assertThat(anyone.get("/mail/preferences/" + anna + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status()).isEqualTo(404);
    }

    @Autowired
    io.patron.messaging.MailLinks mailLinks;

    @Test
    void twoInstancesOnOneDatabaseSendEachOccurrenceOnce() throws Exception {
        LocalDate today = OffsetDateTime.now(clock).atZoneSameInstant(ZONE).toLocalDate();
        List<Long> people = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            people.add(member("twin" + i + "-" + System.nanoTime() + "@example.org", true, today.plusDays(1).minusYears(20 + i), "en"));
        }
        try (ConfigurableApplicationContext second = io.patron.SecondInstance.start(dataSource, clock)) {
            Journeys other = second.getBean(Journeys.class);
            List<Callable<Object>> runs = List.of(() -> journeys.runDue(), () -> other.runDue(), () -> journeys.runDue(),
                    () -> other.runDue());
            var pool = Executors.newFixedThreadPool(4);
            try {
                for (Future<Object> f : pool.invokeAll(runs)) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        for (long id : people) {
            assertThat(sends(id).get("BIRTHDAY")).as("member " + id).containsExactly("QUEUED");
            assertThat(mailKinds(id).stream().filter("journey-birthday"::equals).count()).isEqualTo(1);
        }
    }
}
