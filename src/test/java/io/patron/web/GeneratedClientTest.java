package io.patron.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.TestData;
import io.patron.client.ApiClient;
import io.patron.client.ApiException;
import io.patron.client.ApiResponse;
import io.patron.client.api.MembersApi;
import io.patron.client.api.PointsApi;
import io.patron.client.api.PurchasesApi;
import io.patron.client.model.AccountView;
import io.patron.client.model.EnrolRequest;
import io.patron.client.model.MemberRef;
import io.patron.client.model.MemberResponse;
import io.patron.client.model.PageMemberResponse;
import io.patron.client.model.Problem;
import io.patron.client.model.PurchaseLine;
import io.patron.client.model.PurchaseRequest;
import io.patron.client.model.PurchaseResponse;
import io.patron.client.model.ReturnLine;
import io.patron.client.model.ReturnRequest;
import io.patron.client.model.ReturnResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A till built on the Java client openapi-generator 7.25.0 makes from the committed docs/openapi.json
 * (generator java, library native, generated in the build with no patch): it enrols a member, finds
 * them by card, quotes, commits, sends the commit again, reads the account, returns part of the sale,
 * spends points once they matured, reads an unknown card's refusal as a typed Problem and a 429's
 * Retry-After.
 */
class GeneratedClientTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private ApiClient client(String key) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + port);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        return client;
    }

    private static PurchaseRequest basket(String receipt, String card, long points, String price) {
        return new PurchaseRequest().receiptId(receipt).member(new MemberRef().cardNumber(card)).pointsToRedeem(points)
                .lines(List.of(new PurchaseLine().lineId("1").sku("85123A").name("T-light holder").category("home")
                        .quantity(new BigDecimal("2")).unitPrice(new BigDecimal(price))));
    }

    @Test
    void aTillOnTheGeneratedClientSellsReturnsAndSpends() throws Exception {
        ApiClient till = client(DEMO_TILL_KEY);
        MembersApi members = new MembersApi(till);
        PurchasesApi purchases = new PurchasesApi(till);
        PointsApi points = new PointsApi(till);

        MemberResponse enrolled = members.enrolMember(new EnrolRequest().email(TestData.email()).firstName("Anna")
                .language(EnrolRequest.LanguageEnum.RU));
        assertThat(enrolled.getCardNumber()).hasSize(13);
        PageMemberResponse found = members.findMembers(enrolled.getCardNumber(), null, null, null, null, null, null);
        assertThat(found.getItems()).singleElement().satisfies(m -> assertThat(m.getId()).isEqualTo(enrolled.getId()));

        String receipt = "GEN-" + System.nanoTime();
        PurchaseResponse quote = purchases.quotePurchase(basket(receipt, enrolled.getCardNumber(), 0, "600.00"));
        assertThat(quote.getTotal()).isEqualByComparingTo("1200.00");
        ApiResponse<PurchaseResponse> first = purchases.commitPurchaseWithHttpInfo(basket(receipt, enrolled.getCardNumber(), 0, "600.00"));
        assertThat(first.getStatusCode()).isEqualTo(201);
        assertThat(first.getHeaders().get("Location")).singleElement().asString().endsWith("/api/v1/purchases/" + first.getData().getPurchaseId());
        assertThat(first.getData().getPointsEarned()).isEqualTo(120L);
        ApiResponse<PurchaseResponse> again = purchases.commitPurchaseWithHttpInfo(basket(receipt, enrolled.getCardNumber(), 0, "600.00"));
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(again.getHeaders().get("Idempotent-Replayed")).containsExactly("true");
        assertThat(again.getData().getPurchaseId()).isEqualTo(first.getData().getPurchaseId());

        AccountView account = points.getMemberAccount(enrolled.getId());
        assertThat(account.getPointsPending()).isEqualTo(120L);
        ReturnResponse returned = purchases.returnPurchase(first.getData().getPurchaseId(), new ReturnRequest().returnId(receipt + "-R")
                .lines(List.of(new ReturnLine().lineId("1").quantity(BigDecimal.ONE))));
        assertThat(returned.getPointsReversed()).isEqualTo(60L);

        clock.advance(Duration.ofDays(15));
        PurchaseResponse spend = purchases.commitPurchase(basket(receipt + "-2", enrolled.getCardNumber(), 50, "100.00"));
        assertThat(spend.getPointsRedeemed()).isEqualTo(50L);
        assertThat(points.getMemberAccount(enrolled.getId()).getPointsAvailable()).isEqualTo(10L);

        ApiException unknown = catchThrowableOfType(ApiException.class,
                () -> purchases.commitPurchase(basket(receipt + "-3", "2999999999991", 0, "10.00")));
        Problem problem = till.getObjectMapper().readValue(unknown.getResponseBody(), Problem.class);
        assertThat(unknown.getCode()).isEqualTo(404);
        assertThat(problem.getCode()).isEqualTo("MEMBER_NOT_FOUND");
        assertThat(problem.getStatus()).isEqualTo(404);
    }

    @Test
    void aRefusalForTooManyRequestsCarriesRetryAfter() throws Exception {
        var admin = io.patron.Api.basic(port, "admin", ADMIN_PASSWORD);
        long store = admin.post("/api/v1/stores", io.patron.Api.json(java.util.Map.of("code", "GC" + System.nanoTime() % 100_000_000L,
                "name", "Generated", "timeZone", "UTC"))).json().path("id").asLong();
        String key = admin.post("/api/v1/stores/" + store + "/tills", io.patron.Api.json(java.util.Map.of("name", "t"))).json().path("key").asString();
        MembersApi members = new MembersApi(client(key));
        ApiException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            try {
                members.findMembers(null, "+7900" + String.format("%07d", i), null, null, null, null, null);
            } catch (ApiException e) {
                refused = e;
            }
        }
        assertThat(refused).isNotNull();
        assertThat(refused.getCode()).isEqualTo(429);
        assertThat(refused.getResponseHeaders().firstValue("Retry-After")).isPresent();
        assertThat(new ApiClient().getObjectMapper().readValue(refused.getResponseBody(), Problem.class).getCode()).isEqualTo("TOO_MANY_LOOKUPS");
    }
}
