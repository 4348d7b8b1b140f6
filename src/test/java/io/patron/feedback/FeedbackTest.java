package io.patron.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.common.ProblemException;
import io.patron.messaging.Mailer;
import io.patron.stores.Stores;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Feedback: an e-mailed link answers once (a reused or forged token is refused), store answers, NPS per store. */
class FeedbackTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Feedback feedback;

    @Autowired
    Mailer mailer;

    @Autowired
    Stores stores;

    private String linkOf(String email) {
        String text = mailer.entry(mailer.outbox(new io.patron.common.PageRequest(0, 1), email).items().getFirst().id()).text();
        Matcher m = Pattern.compile("/feedback/t/(\\S+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    @Test
    void anInvitedSurveyIsAnsweredOnceAndForgedOrReusedTokensAreRefused() {
        String email = TestData.email();
        long member = Api.bearer(port, DEMO_TILL_KEY).post("/api/v1/members", Api.json(Map.of("email", email, "firstName", "Gor",
                "language", "hy"))).json().path("id").asLong();
        Api.Response invited = Api.basic(port, "admin", ADMIN_PASSWORD).post("/api/v1/members/" + member + "/feedback-invitations",
                Api.json(Map.of("kind", "NPS", "storeId", 1)));
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        var mail = mailer.entry(mailer.outbox(new io.patron.common.PageRequest(0, 1), email).items().getFirst().id());
        assertThat(mail.subject()).isEqualTo("Ինչպե՞ս անցավ այցը");
        String token = linkOf(email);

        assertThatThrownBy(() -> feedback.answer(token, 11, null)).isInstanceOf(ProblemException.class);
        Feedback.Response response = feedback.answer(token, 9, "Շատ լավ");
        assertThat(response.memberId()).isEqualTo(member);
        assertThat(response.storeId()).isEqualTo(1L);
        assertThat(response.comment()).isEqualTo("Շատ լավ");
        assertThatThrownBy(() -> feedback.answer(token, 10, null)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).code()).isEqualTo("SURVEY_LINK_INVALID"));
        assertThatThrownBy(() -> feedback.answer(token + "x", 10, null)).isInstanceOf(ProblemException.class);
        Api anyone = Api.anonymous(port);
        assertThat(anyone.get("/feedback/t/" + token).body()).contains("feedback-invalid");
        assertThat(anyone.get("/feedback/t/forged-token-123").body()).contains("feedback-invalid");
    }

    @Test
    void storeAnswersCountInTheStoresNpsAndSatisfaction() {
        var store = stores.create("FB" + System.nanoTime() % 100_000_000L, "Feedback store", "Europe/Moscow");
        long id = store.id().value();
        for (int score : new int[] {10, 9, 8, 3}) {
            feedback.answer(Feedback.Kind.NPS, score, null, Feedback.Channel.STORE, null, id);
        }
        feedback.answer(Feedback.Kind.SATISFACTION, 4, "ok", Feedback.Channel.STORE, null, id);
        feedback.answer(Feedback.Kind.SATISFACTION, 5, null, Feedback.Channel.STORE, null, id);
        assertThatThrownBy(() -> feedback.answer(Feedback.Kind.SUGGESTION, null, " ", Feedback.Channel.STORE, null, id))
                .isInstanceOf(ProblemException.class);
        var score = feedback.scores(OffsetDateTime.now().minusDays(1), OffsetDateTime.now().plusDays(1)).stream()
                .filter(s -> Long.valueOf(id).equals(s.storeId())).findFirst().orElseThrow();
        // 2 promoters, 1 passive, 1 detractor of 4: (2 - 1) / 4 = 25.
        assertThat(score.nps()).isEqualTo(25);
        assertThat(score.npsAnswers()).isEqualTo(4);
        assertThat(score.satisfaction()).isEqualTo(4.5);
        Api anyone = Api.anonymous(port);
        assertThat(anyone.get("/feedback/store/" + store.code() + "?kind=SATISFACTION").status()).isEqualTo(200);
        assertThat(Api.basic(port, "admin", ADMIN_PASSWORD).get("/api/v1/feedback?storeId=" + id).json().path("total").asLong())
                .isEqualTo(6);
    }
}
