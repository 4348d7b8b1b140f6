package io.patron.common;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gauges an operator watches: the points members hold (the liability), the ledger's totals per kind
 * of movement since the start (from the analytics roll-up), the e-mail and SMS outboxes' queues and
 * failures, the fraud cases waiting for review and the members on hold (PENDING: waiting for the SMTP sender). Each is read from the database at most every 30 seconds however often Prometheus scrapes,
 * and a failed read shows the last value (the database being away is what the 503s and the health
 * check report).
 */
@Component
class PatronGauges {

    static final long CACHE_MILLIS = 30_000;
    private static final String[] CODES = {"EARN_PURCHASE", "REDEEM", "REVERSE_RETURN", "REFUND_RETURN", "EXPIRE", "ADJUST", "REWARD",
            "REFERRAL_BONUS", "PARTNER_EARN", "PARTNER_REDEEM"};

    private final JdbcClient jdbc;
    private final Map<String, double[]> cache = new ConcurrentHashMap<>();

    PatronGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        Gauge.builder("patron.ledger.liability.points", () -> cached("liability",
                        () -> jdbc.sql("SELECT COALESCE(SUM(balance), 0) FROM member_accounts").query(Long.class).single()))
                .description("Points held by members now").register(meters);
        for (String code : CODES) {
            Gauge.builder("patron.ledger.points", () -> cached("points:" + code, () -> jdbc.sql(
                            "SELECT COALESCE(SUM(member_delta), 0) FROM rollup_points_daily WHERE code = :c").param("c", code).query(Long.class).single()))
                    .tag("code", code).description("Points members gained (or lost, negative) by this kind of movement, all time, as rolled up")
                    .register(meters);
        }
        for (String status : new String[] {"PENDING", "FAILED"}) {
            Gauge.builder("patron.mail.outbox", () -> cached("outbox:" + status, () -> jdbc.sql(
                            "SELECT COUNT(*) FROM mail_outbox WHERE status = :s").param("s", status).query(Long.class).single()))
                    .tag("status", status).description("E-mails in the outbox by status").register(meters);
        }
        for (String status : new String[] {"PENDING", "FAILED", "UNDELIVERED"}) {
            Gauge.builder("patron.sms.outbox", () -> cached("sms:" + status, () -> jdbc.sql(
                            "SELECT COUNT(*) FROM sms_outbox WHERE status = :s").param("s", status).query(Long.class).single()))
                    .tag("status", status).description("Text messages in the outbox by status").register(meters);
        }
        Gauge.builder("patron.fraud.cases.open", () -> cached("fraud:open", () -> jdbc.sql(
                        "SELECT COUNT(*) FROM fraud_cases WHERE status = 'OPEN'").query(Long.class).single()))
                .description("Fraud cases waiting for review").register(meters);
        Gauge.builder("patron.fraud.holds", () -> cached("fraud:holds", () -> jdbc.sql(
                        "SELECT COUNT(*) FROM member_holds").query(Long.class).single()))
                .description("Members whose redemptions are held").register(meters);
        Gauge.builder("patron.webhooks.waiting", () -> cached("webhooks:waiting", () -> jdbc.sql(
                        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'PENDING'").query(Long.class).single()))
                .description("Webhook deliveries waiting to be sent or retried").register(meters);
        Gauge.builder("patron.webhooks.failing", () -> cached("webhooks:failing", () -> jdbc.sql(
                        "SELECT COUNT(*) FROM webhook_subscriptions WHERE failing_since IS NOT NULL").query(Long.class).single()))
                .description("Webhook subscriptions whose deliveries gave up after a day").register(meters);
    }

    private double cached(String name, Supplier<Number> read) {
        double[] entry = cache.get(name);
        long now = System.currentTimeMillis();
        if (entry != null && entry[1] > now) {
            return entry[0];
        }
        try {
            double value = read.get().doubleValue();
            cache.put(name, new double[] {value, now + CACHE_MILLIS});
            return value;
        } catch (RuntimeException e) {
            return entry == null ? Double.NaN : entry[0];
        }
    }
}
