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
