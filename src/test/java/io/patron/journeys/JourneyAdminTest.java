package io.patron.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.IntegrationTest;
import io.patron.WebSession;
import io.patron.common.Language;
import io.patron.members.MemberId;
import io.patron.messaging.Mail;
import io.patron.messaging.MailComposer;
import io.patron.messaging.MailTemplates;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Journey mails in every language and the admin's part: the built-in mails render in en, ru, ro and
 * hy with the member's data intact; a template edited in the admin replaces one (placeholders filled,
 * values escaped in HTML) until it is deleted; a journey is switched off and on from its page.
 */
class JourneyAdminTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MailComposer composer;

    @Autowired
    MailTemplates templates;

    @Autowired
    Journeys journeys;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @AfterEach
    void switchOn() {
        JourneySettings s = journeys.settings(Journey.WIN_BACK);
        journeys.update(Journey.WIN_BACK, true, 60, s.periodDays(), null);
    }

    private static final Map<Language, String> NAMES = Map.of(Language.en, "Olga", Language.ru, "Ольга", Language.ro, "Ioana",
            Language.hy, "Անի");

    @Test
    void everyJourneyMailRendersInEveryLanguageWithTheMembersDataIntact() {
        for (Journey journey : Journey.values()) {
            for (Language language : Language.values()) {
                String name = NAMES.get(language);
                Mail mail = composer.composeForMember(journey.mailName(), language, new MemberId(1), "m@example.org",
                        new MailComposer.Variables(name, "2000000000015", "1250", "Gold", "GIFT-7KQ2", "https://x.test/portal", "Tier X"),
                        journey.marketing());
                String what = journey + "/" + language;
                assertThat(mail.subject()).as(what).isNotBlank().doesNotContain("mail.journey").doesNotContain("{");
                assertThat(mail.text()).as(what).contains(name).doesNotContain("{").doesNotContain("??");
                assertThat(mail.html()).as(what).contains(name).contains("lang=\"" + language.name() + "\"");
                assertThat(mail.marketing()).isEqualTo(journey.marketing());
                if (journey.marketing()) {
                    assertThat(mail.unsubscribeUrl()).as(what).contains("/mail/unsubscribe/");
                    assertThat(mail.text()).as(what).contains(mail.unsubscribeUrl());
                    assertThat(mail.html()).as(what).contains(mail.unsubscribeUrl());
                }
            }
        }
    }

    @Test
    void anEditedTemplateReplacesTheBuiltInMailUntilItIsDeleted() {
        WebSession admin = WebSession.admin(port);
        HttpResponse<String> editor = admin.get("/admin/journeys/templates?name=journey-win-back&language=ru");
        assertThat(editor.statusCode()).isEqualTo(200);
        assertThat(editor.body()).contains("srcdoc=").contains("name=\"subject\"");
        HttpResponse<String> saved = admin.post("/admin/journeys/templates", Map.of("name", "journey-win-back", "language", "ru",
                "subject", "Скучаем, {{name}}!", "text", "У вас {{balance}} баллов. Карта {{card}}.",
                "html", "<p>Привет, <b>{{name}}</b>: {{balance}}</p>", "action", "save"));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
        Mail mail = composer.composeForMember("journey-win-back", Language.ru, new MemberId(7), "m@example.org",
                new MailComposer.Variables("<Ольга>", "2000000000015", "90", "", "", "", ""), true);
        assertThat(mail.subject()).isEqualTo("Скучаем, <Ольга>!");
        assertThat(mail.text()).startsWith("У вас 90 баллов. Карта 2000000000015.");
        assertThat(mail.html()).contains("<b>&lt;Ольга&gt;</b>").doesNotContain("<b><Ольга>");
        // Other languages keep the built-in mail.
        assertThat(composer.composeForMember("journey-win-back", Language.en, new MemberId(7), "m@example.org",
                new MailComposer.Variables("Olga", "", "90", "", "", "", ""), true).subject()).isNotEqualTo("Скучаем, Olga!");

        HttpResponse<String> unknown = admin.post("/admin/journeys/templates", Map.of("name", "journey-win-back", "language", "ru",
                "subject", "x", "text", "{{password}}", "action", "save"));
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).contains("unknown placeholder");

        admin.get("/admin/journeys/templates?name=journey-win-back&language=ru");
        admin.post("/admin/journeys/templates", Map.of("name", "journey-win-back", "language", "ru", "subject", "-", "text", "-",
                "action", "delete"));
        assertThat(templates.find("journey-win-back", Language.ru)).isEmpty();
        assertThat(composer.composeForMember("journey-win-back", Language.ru, new MemberId(7), "m@example.org",
                new MailComposer.Variables("Ольга", "", "90", "", "", "", ""), true).subject()).doesNotContain("Скучаем, Ольга!");
    }

    /** The form's fields as a browser would post them back: what the editor holds, unescaped. */
    private static Map<String, String> fields(String page) {
        org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(page);
        org.jsoup.nodes.Element form = doc.getElementById("template-form");
        return Map.of("subject", form.selectFirst("input[name=subject]").attr("value"),
                "text", form.selectFirst("textarea[name=text]").wholeText(),
                "html", form.selectFirst("textarea[name=html]").wholeText());
    }

    @Test
    void savingABuiltInTemplateUnchangedChangesNothingAnyMemberReceives() {
        WebSession admin = WebSession.admin(port);
        for (Journey journey : Journey.values()) {
            for (Language language : Language.values()) {
                String what = journey + "/" + language;
                MailComposer.Variables vars = new MailComposer.Variables(NAMES.get(language), "2000000000077", "310", "7 %", "NEXT-Q7RK",
                        "https://loyalty.example/portal", "2027-01-31");
                Mail before = composer.composeForMember(journey.mailName(), language, new MemberId(9), "m@example.org", vars, journey.marketing());
                Map<String, String> source = fields(admin.get("/admin/journeys/templates?name=" + journey.mailName() + "&language="
                        + language.name()).body());
                assertThat(source.get("text")).as(what + ": the editor holds the source, not a sample mail")
                        .doesNotContain("Anna").doesNotContain("2000000000015").doesNotContain("patron.example");
                if (before.text().contains(vars.name())) {
                    assertThat(source.get("text")).as(what).contains("{{name}}");
                }
                HttpResponse<String> saved = admin.post("/admin/journeys/templates", Map.of("name", journey.mailName(),
                        "language", language.name(), "subject", source.get("subject"), "text", source.get("text"),
                        "html", source.get("html"), "action", "save"));
                assertThat(saved.statusCode()).as(what + " " + saved.body()).isEqualTo(302);
                Mail after = composer.composeForMember(journey.mailName(), language, new MemberId(9), "m@example.org", vars, journey.marketing());
                assertThat(after.subject()).as(what).isEqualTo(before.subject());
                assertThat(after.text()).as(what).isEqualTo(before.text());
                assertThat(after.html()).as(what).isEqualTo(before.html());
                templates.delete(journey.mailName(), language);
            }
        }
    }

    @Test
    void aLineAddedToTheArmenianWelcomeMailReachesTheNextMemberWithTheirOwnData() {
        WebSession admin = WebSession.admin(port);
        Map<String, String> source = fields(admin.get("/admin/journeys/templates?name=journey-welcome&language=hy").body());
        admin.post("/admin/journeys/templates", Map.of("name", "journey-welcome", "language", "hy", "subject", source.get("subject"),
                "text", source.get("text") + "\r\nՄեր խանութը բաց է ամեն օր։", "html", source.get("html"), "action", "save"));
        try {
            var enrolled = io.patron.Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", io.patron.Api.json(Map.of(
                    "firstName", "Տիգրան", "email", io.patron.TestData.email(), "language", "hy"))).json();
            settle();
            String text = jdbc.sql("SELECT body_text FROM mail_outbox WHERE member_id = :m AND kind = 'journey-welcome'")
                    .param("m", enrolled.path("id").asLong()).query(String.class).single();
            assertThat(text).contains("Տիգրան").contains(enrolled.path("cardNumber").asString()).contains("Մեր խանութը բաց է ամեն օր։")
                    .doesNotContain("Anna").doesNotContain("2000000000015").doesNotContain("patron.example").doesNotContain("\r");
        } finally {
            templates.delete("journey-welcome", Language.hy);
        }
    }

    @Test
    void aJourneyIsSwitchedOffAndOnFromItsPage() {
        WebSession admin = WebSession.admin(port);
        HttpResponse<String> page = admin.get("/admin/journeys");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("journey-WIN_BACK").contains("journey-BIRTHDAY");
        admin.post("/admin/journeys/WIN_BACK", Map.of("days", "45"));
        JourneySettings off = journeys.settings(Journey.WIN_BACK);
        assertThat(off.enabled()).isFalse();
        assertThat(off.days()).isEqualTo(45);
        admin.get("/admin/journeys");
        HttpResponse<String> bad = admin.post("/admin/journeys/WIN_BACK", Map.of("enabled", "true", "days", "9999"));
        assertThat(WebSession.location(bad)).endsWith("/admin/journeys");
        assertThat(journeys.settings(Journey.WIN_BACK).days()).isEqualTo(45);
    }
}
