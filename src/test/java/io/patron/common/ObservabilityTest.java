package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What an operator's Prometheus sees: till operations by outcome and problem code with latency
 * histograms, rule evaluation time, the liability, the ledger's totals, the outbox; health open to
 * anyone, every other actuator endpoint closed; a request id on every answer.
 */
class ObservabilityTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void tillOperationsLedgerAndOutboxShowInPrometheusAndOnlyHealthIsOpen() {
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        String card = till.post("/api/v1/members", Api.json(Map.of("email", TestData.email()))).json().path("cardNumber").asString();
        Api.Response sale = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "OBS-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 50)))));
        assertThat(sale.status()).isEqualTo(201);
        assertThat(sale.raw().headers().firstValue("X-Request-Id")).isPresent();
        Api.Response refused = till.post("/api/v1/purchases", Api.json(Map.of("receiptId", "OBS-" + System.nanoTime(),
                "member", Map.of("cardNumber", card), "pointsToRedeem", 1_000_000,
                "lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 50)))));
        assertThat(refused.status()).isEqualTo(422);
        String refusedCode = refused.json().path("code").asString();

        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        String metrics = admin.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("patron_till_seconds_count\\{[^}]*code=\"OK\"[^}]*operation=\"commit\"[^}]*status=\"201\"")
                .containsPattern("patron_till_seconds_count\\{[^}]*code=\"" + refusedCode + "\"[^}]*operation=\"commit\"[^}]*status=\"422\"")
                .contains("patron_till_seconds_bucket")
                .contains("patron_rules_evaluation_seconds_count")
                .contains("patron_ledger_liability_points")
                .containsPattern("patron_ledger_points\\{code=\"EARN_PURCHASE\"")
                .containsPattern("patron_mail_outbox\\{status=\"PENDING\"")
                .containsPattern("patron_sms_outbox\\{status=\"PENDING\"")
                .contains("patron_fraud_cases_open")
                .contains("patron_fraud_holds")
                .contains("patron_webhooks_waiting")
                .contains("patron_webhooks_failing")
                .contains("hikaricp_connections_active")
                .contains("patron_log_suppressed_total");
        assertThat(((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).getTurboFilterList())
                .as("repeated connection-loss stack traces are held back").hasAtLeastOneElementOfType(ConnectionLossLogging.class);

        Api anyone = Api.anonymous(port);
        assertThat(anyone.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anyone.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(admin.get("/actuator/env").status()).as("not exposed").isIn(403, 404);
        assertThat(till.get("/actuator/prometheus").status()).isEqualTo(403);
    }
}
