package io.patron.webhooks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import io.patron.MutableClock;
import io.patron.webhooks.WebhookDelivery;
import io.patron.webhooks.Webhooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks as a receiving system sees them: through a receiver that fails in the ways networks fail,
 * every event arrives, signed, once after de-duplication by id and in order; a dead receiver holds back
 * only its own subscription and is marked failing after a day; two instances never post one delivery at
 * once; an instance killed mid-delivery loses nothing.
 */
class WebhookDeliveryTest extends IntegrationTest {

    private static final AtomicLong RUN = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @LocalServerPort
    int port;

    @Autowired
    WebhookSender sender;

    @Autowired
    WebhookStore store;

    @Autowired
    Webhooks webhooks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    @Autowired
    SecretBox box;

    @Autowired
    TargetGuard guard;

    @Autowired
    TransactionTemplate transactions;

    private final List<Long> created = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        clock.reset();
        created.forEach(id -> store.delete(id));
    }

    private long subscribe(Api admin, Receiver receiver, List<String> events) {
        settle(); // what other tests did before is not this subscription's
        Api.Response r = admin.post("/api/v1/webhooks", Api.json(Map.of("url", receiver.url(), "description", "test receiver",
                "events", events)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        long id = r.json().path("subscription").path("id").asLong();
        assertThat(r.raw().headers().firstValue("Location")).hasValue("/api/v1/webhooks/" + id);
        String secret = r.json().path("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(jdbc.sql("SELECT secret FROM webhook_subscriptions WHERE id = :id").param("id", id).query(String.class).single())
                .as("kept encrypted").doesNotContain(secret.substring(6)).startsWith("v1:");
        receiver.secret(secret);
        created.add(id);
        return id;
    }

    private long waiting(long subscription) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = :s AND status = 'PENDING'")
                .param("s", subscription).query(Long.class).single();
    }

    /** Runs the reactions and the sender as the timers would, until nothing of these subscriptions waits. */
    private void deliverAll(Duration within, long... subscriptions) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            settle();
            sender.startDue();
            Thread.sleep(50);
            boolean done = sender.idle();
            for (long s : subscriptions) {
                done &= waiting(s) == 0;
            }
            if (done) {
                return;
            }
        }
        throw new AssertionError("deliveries still waiting after " + within);
    }

    private List<WebhookDelivery> deliveries(long subscription) {
        return jdbc.sql("SELECT id FROM webhook_deliveries WHERE subscription_id = :s ORDER BY id").param("s", subscription)
                .query(Long.class).list().stream().map(id -> store.delivery(id).orElseThrow()).toList();
    }

    private final Map<Long, String> cards = new java.util.HashMap<>();

    private long enrol(Api till, String email) {
        Api.Response r = till.post("/api/v1/members", Api.json(Map.of("email", email, "firstName", "Ani")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        cards.put(r.json().path("id").asLong(), r.json().path("cardNumber").asString());
        return r.json().path("id").asLong();
    }

    private long sell(Api till, long member, String receipt) {
        String card = cards.get(member);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiptId", receipt);
        body.put("member", Map.of("cardNumber", card));
        body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 500)));
        Api.Response r = till.post("/api/v1/purchases", Api.json(body));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("purchaseId").asLong();
    }

    @Test
    void everyEventArrivesSignedOnceAndInOrderThroughAReceiverThatFails() throws Exception {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        long run = RUN.incrementAndGet();
        try (Receiver receiver = new Receiver()) {
            long subscription = subscribe(admin, receiver, List.of("member.enrolled", "member.updated", "consent.changed",
                    "purchase.recorded", "points.earned", "return.recorded", "points.adjusted", "member.erased"));
            // The first delivery meets every fault before it gets through.
            receiver.plan.addAll(List.of("500", "drop", "slow", "429"));

            String email = "hook-" + run + "@example.com";
            long member = enrol(till, email);
            Api.Response patched = admin.patch("/api/v1/members/" + member, Api.json(Map.of("lastName", "Sargsyan",
                    "consents", Map.of("emailMarketing", true))));
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            long first = sell(till, member, "HOOK-" + run + "-1");
            sell(till, member, "HOOK-" + run + "-2");
            Api.Response returned = till.post("/api/v1/purchases/" + first + "/returns", Api.json(Map.of("returnId", "HOOK-RET-" + run,
                    "lines", List.of(Map.of("lineId", "1", "quantity", 1)))));
            assertThat(returned.status()).as(returned.toString()).isEqualTo(201);
            Api.Response adjusted = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://localhost:" + port + "/api/v1/members/" + member + "/adjustments"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", "hook-" + run)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":25,\"reason\":\"goodwill\"}")));
            assertThat(adjusted.status()).as(adjusted.toString()).isEqualTo(201);
            long erased = enrol(till, "erase-" + run + "@example.com");
            assertThat(admin.post("/api/v1/members/" + erased + "/erase", "{}").status()).isEqualTo(200);

            deliverAll(Duration.ofSeconds(60), subscription);

            List<WebhookDelivery> log = deliveries(subscription);
            assertThat(log).extracting(WebhookDelivery::status).containsOnly(WebhookDelivery.Status.DELIVERED);
            List<String> types = log.stream().map(WebhookDelivery::type).toList();
            assertThat(types).containsExactly("member.enrolled", "member.updated", "consent.changed",
                    "purchase.recorded", "points.earned", "purchase.recorded", "points.earned", "return.recorded", "points.adjusted",
                    "member.enrolled", "member.erased");
            // Every delivery once after de-duplication, in the order Patron queued them, each request well signed.
            List<String> arrived = receiver.delivered();
            assertThat(new java.util.ArrayList<>(new java.util.LinkedHashSet<>(arrived)))
                    .containsExactlyElementsOf(log.stream().map(WebhookDelivery::messageId).toList());
            assertThat(receiver.requests).allMatch(Receiver.Request::signedWell, "signed with the subscription's secret");
            // (A retry after a timeout can reach the receiver while it still works on the first request: at least once.)

            // The first delivery's attempts tell what happened to each.
            List<WebhookDelivery.Attempt> attempts = webhooks.attempts(subscription, log.get(0).id());
            assertThat(attempts).hasSize(5);
            List<WebhookDelivery.Attempt> oldestFirst = attempts.reversed();
            assertThat(oldestFirst.get(0).statusCode()).isEqualTo(500);
            assertThat(oldestFirst.get(0).response()).hasSizeLessThanOrEqualTo(WebhookSender.RESPONSE_BYTES).startsWith("receiver error");
            assertThat(oldestFirst.get(1).statusCode()).isNull();
            assertThat(oldestFirst.get(1).error()).isNotBlank();
            assertThat(oldestFirst.get(2).error()).contains("no answer within 1000 ms");
            assertThat(oldestFirst.get(3).statusCode()).isEqualTo(429);
            assertThat(oldestFirst.get(4).statusCode()).isEqualTo(200);
            assertThat(Duration.between(oldestFirst.get(3).attemptedAt(), oldestFirst.get(4).attemptedAt()))
                    .as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(Duration.ofMillis(950));

            // Payloads: the documented schema, ids and what changed, no personal data.
            JsonNode schema = Api.JSON.readTree(Files.readString(Path.of("docs/webhooks/events.schema.json")));
            for (WebhookDelivery d : log) {
                JsonNode body = Api.JSON.readTree(d.payload());
                assertThat(body.path("type").asString()).isEqualTo(d.type());
                assertThat(OffsetDateTime.parse(body.path("timestamp").asString())).isNotNull();
                conforms(schema, d.type(), body.path("data"));
                assertThat(d.payload()).doesNotContain(email).doesNotContain("Ani").doesNotContain("Sargsyan");
            }
            JsonNode updated = Api.JSON.readTree(log.get(1).payload()).path("data");
            assertThat(updated.path("changed").values()).extracting(JsonNode::asString).containsExactly("lastName");
            JsonNode consent = Api.JSON.readTree(log.get(2).payload()).path("data");
            assertThat(consent.path("channel").asString()).isEqualTo("email");
            assertThat(consent.path("granted").asBoolean()).isTrue();
            JsonNode erasure = Api.JSON.readTree(log.get(10).payload()).path("data");
            assertThat(erasure.propertyNames()).containsExactly("memberId");
            assertThat(erasure.path("memberId").asLong()).isEqualTo(erased);
        }
    }

    /** The payload's data has every field its type's schema requires and none it does not declare, of the declared JSON types. */
    private static void conforms(JsonNode schema, String type, JsonNode data) {
        JsonNode def = schema.path("$defs").path(type);
        assertThat(def.isMissingNode()).as("a schema for " + type).isFalse();
        Set<String> declared = new HashSet<>(def.path("properties").propertyNames());
        for (JsonNode required : def.path("required")) {
            assertThat(data.has(required.asString())).as(type + " carries " + required.asString() + ": " + data).isTrue();
        }
        for (String field : data.propertyNames()) {
            assertThat(declared).as(type + " declares " + field).contains(field);
            JsonNode property = def.path("properties").path(field);
            String kind = property.path("type").isString() ? property.path("type").asString() : null;
            JsonNode value = data.path(field);
            if ("integer".equals(kind)) {
                assertThat(value.isIntegralNumber()).as(type + "." + field + " is an integer").isTrue();
            } else if ("string".equals(kind)) {
                assertThat(value.isString()).as(type + "." + field + " is a string").isTrue();
            } else if ("boolean".equals(kind)) {
                assertThat(value.isBoolean()).as(type + "." + field + " is a boolean").isTrue();
            }
            if (property.has("enum")) {
                List<String> allowed = new ArrayList<>();
                property.path("enum").forEach(e -> allowed.add(e.asString()));
                assertThat(allowed).as(type + "." + field).contains(value.asString());
            }
        }
    }

    @Test
    void aDeadReceiverHoldsBackOnlyItselfAndIsMarkedFailingAfterADay() throws Exception {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        try (Receiver healthy = new Receiver(); Receiver dead = new Receiver()) {
            long good = subscribe(admin, healthy, List.of("member.enrolled"));
            long bad = subscribe(admin, dead, List.of("member.enrolled"));
            dead.close(); // nothing listens there any more: every attempt is refused
            Api till = Api.bearer(port, DEMO_TILL_KEY);
            long run = RUN.incrementAndGet();
            for (int i = 0; i < 3; i++) {
                enrol(till, "dead-" + run + "-" + i + "@example.com");
            }
            deliverAll(Duration.ofSeconds(20), good);
            assertThat(healthy.delivered()).hasSize(3);
            assertThat(waiting(bad)).isEqualTo(3);
            assertThat(webhooks.get(bad).failingSince()).isNull();

            // A day later the first delivery gives up; the subscription is marked failing and the next ones go on trying.
            clock.advance(Duration.ofHours(25));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (webhooks.get(bad).failingSince() == null && System.nanoTime() < deadline) {
                jdbc.sql("UPDATE webhook_deliveries SET next_attempt_at = :now WHERE subscription_id = :s AND status = 'PENDING'")
                        .param("now", OffsetDateTime.now(clock)).param("s", bad).update();
                sender.startDue();
                Thread.sleep(100);
            }
            assertThat(webhooks.get(bad).failingSince()).isNotNull();
            assertThat(webhooks.failing()).isGreaterThanOrEqualTo(1);
            assertThat(webhooks.deliveries(bad, WebhookDelivery.Status.FAILED, new io.patron.common.PageRequest(0, 10)).items())
                    .isNotEmpty();
            assertThat(io.patron.WebSession.admin(port).get("/admin").body()).contains("id=\"webhooks-failing\"");

            // Pointed at a working receiver and asked to send everything again, the failed ones arrive too.
            try (Receiver fixed = new Receiver()) {
                fixed.secret(dead.secret());
                Api.Response moved = admin.put("/api/v1/webhooks/" + bad, Api.json(Map.of("url", fixed.url())));
                assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
                while (waiting(bad) > 0) {
                    jdbc.sql("UPDATE webhook_deliveries SET next_attempt_at = :now WHERE subscription_id = :s AND status = 'PENDING'")
                            .param("now", OffsetDateTime.now(clock)).param("s", bad).update();
                    deliverAll(Duration.ofSeconds(20), bad);
                }
                Api.Response again = admin.post("/api/v1/webhooks/" + bad + "/redeliver",
                        Api.json(Map.of("since", OffsetDateTime.now(clock).minusDays(3).toString())));
                assertThat(again.status()).as(again.toString()).isEqualTo(200);
                assertThat(again.json().path("deliveries").asInt()).isGreaterThanOrEqualTo(3);
                deliverAll(Duration.ofSeconds(20), bad);
                assertThat(new HashSet<>(fixed.delivered())).containsAll(deliveries(bad).stream().map(WebhookDelivery::messageId).toList());
                assertThat(webhooks.get(bad).failingSince()).as("cleared by a delivery that succeeded").isNull();
            }
        }
    }

    @Test
    void twoInstancesNeverPostOneDeliveryAtOnceAndAKilledOnesLeaseRunsOut() throws Exception {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        try (Receiver receiver = new Receiver()) {
            receiver.answerAfterMillis = 40;
            long subscription = subscribe(admin, receiver, List.of("member.enrolled"));
            for (int i = 0; i < 12; i++) {
                webhooks.sendTest(subscription);
            }
            WebhookSender other = new WebhookSender(store, box, guard, transactions, clock, new SimpleMeterRegistry(), null, 4, 1000, 100, 1440, 4);
            ExecutorService both = Executors.newFixedThreadPool(2);
            for (WebhookSender instance : List.of(sender, other)) {
                both.submit(() -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (System.nanoTime() < deadline && (waiting(subscription) > 0 || !instance.idle())) {
                        instance.startDue();
                        Thread.sleep(5);
                    }
                    return null;
                });
            }
            both.shutdown();
            assertThat(both.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(receiver.overlapped).as("one delivery in flight twice").isFalse();
            List<String> ids = deliveries(subscription).stream().map(WebhookDelivery::messageId).toList();
            assertThat(receiver.delivered()).as("each once, in order").containsExactlyElementsOf(ids);

            // An instance took the subscription and died mid-delivery: nobody posts until its lease runs out, then the
            // delivery it was sending goes out again — at least once, nothing lost.
            String lost = webhooks.sendTest(subscription);
            OffsetDateTime now = OffsetDateTime.now(clock);
            assertThat(store.lease(subscription, "killed-instance", now, now.plusSeconds(2))).isTrue();
            jdbc.sql("UPDATE webhook_deliveries SET attempts = 1 WHERE message_id = :m").param("m", lost).update();
            assertThat(sender.startDue()).isZero();
            Thread.sleep(300);
            assertThat(receiver.delivered()).doesNotContain(lost);
            Thread.sleep(2_000);
            deliverAll(Duration.ofSeconds(10), subscription);
            assertThat(receiver.delivered()).endsWith(lost);
        }
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneForTheOverlap() throws Exception {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        try (Receiver receiver = new Receiver()) {
            long subscription = subscribe(admin, receiver, List.of("member.enrolled"));
            String old = receiver.secret();
            Api.Response rotated = admin.post("/api/v1/webhooks/" + subscription + "/secret", Api.json(Map.of("overlapHours", 1)));
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            String fresh = rotated.json().path("secret").asString();
            assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
            webhooks.sendTest(subscription);
            deliverAll(Duration.ofSeconds(10), subscription);
            assertThat(receiver.requests.getLast().signature().split(" ")).hasSize(2);
            assertThat(receiver.requests.getLast().signedWell()).as("the old secret still verifies").isTrue();
            receiver.secret(fresh);
            webhooks.sendTest(subscription);
            clock.advance(Duration.ofHours(2));
            jdbc.sql("UPDATE webhook_deliveries SET next_attempt_at = :now WHERE subscription_id = :s AND status = 'PENDING'")
                    .param("now", OffsetDateTime.now(clock)).param("s", subscription).update();
            deliverAll(Duration.ofSeconds(10), subscription);
            assertThat(receiver.requests.getLast().signature().split(" ")).as("after the overlap, only the new").hasSize(1);
            assertThat(receiver.requests.getLast().signedWell()).isTrue();
        }
    }

    @Test
    void subscriptionsAreCheckedAndOnlyForAdmins() {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api.Response unknown = admin.post("/api/v1/webhooks", Api.json(Map.of("url", "https://crm.example.com/hooks",
                "events", List.of("purchase.recordd"))));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("events");
        Api.Response ftp = admin.post("/api/v1/webhooks", Api.json(Map.of("url", "ftp://crm.example.com/hooks",
                "events", List.of("purchase.recorded"))));
        assertThat(ftp.status()).isEqualTo(400);
        assertThat(ftp.body()).contains("url");
        Api.Response noStore = admin.post("/api/v1/webhooks", Api.json(Map.of("url", "https://crm.example.com/hooks",
                "events", List.of("purchase.recorded"), "storeId", 987654321)));
        assertThat(noStore.status()).isEqualTo(400);
        assertThat(noStore.body()).contains("storeId");
        assertThat(Api.bearer(port, DEMO_TILL_KEY).get("/api/v1/webhooks").status()).isEqualTo(403);
    }

    @Autowired
    io.patron.ledger.ExpiryJob expiry;

    @Autowired
    io.patron.feedback.Feedback feedback;

    private void credit(Api admin, long member, long points) {
        Api.Response r = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + port + "/api/v1/members/" + member + "/adjustments"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "hook-credit-" + System.nanoTime())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"points\":" + points + ",\"reason\":\"test\"}")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    @Test
    void everyEventTypeIsSentWithTheDataItsSchemaDocuments() throws Exception {
        Api admin = Api.basic(port, "admin", ADMIN_PASSWORD);
        Api till = Api.bearer(port, DEMO_TILL_KEY);
        long run = RUN.incrementAndGet();
        try (Receiver receiver = new Receiver()) {
            long subscription = subscribe(admin, receiver, io.patron.webhooks.WebhookTypes.ALL);
            long member = enrol(till, "all-" + run + "@example.com");
            long duplicate = enrol(till, "dup-" + run + "@example.com");
            assertThat(admin.post("/api/v1/members/" + member + "/merge", Api.json(Map.of("duplicateId", duplicate))).status()).isEqualTo(200);
            assertThat(admin.patch("/api/v1/members/" + member, Api.json(Map.of("lastName", "Petrosyan",
                    "consents", Map.of("smsMarketing", true)))).status())
                    .isEqualTo(200);
            credit(admin, member, 500);
            // A large sale: points spent and earned, a tier reached, the next-visit coupon; then the coupon used.
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("receiptId", "HOOK-ALL-" + run);
            body.put("member", Map.of("cardNumber", cards.get(member)));
            body.put("lines", List.of(Map.of("lineId", "1", "category", "home", "quantity", 1, "unitPrice", 60000)));
            body.put("pointsToRedeem", 100);
            Api.Response sale = till.post("/api/v1/purchases", Api.json(body));
            assertThat(sale.status()).as(sale.toString()).isEqualTo(201);
            assertThat(sale.json().path("issuedCoupons").size()).as(sale.toString()).isPositive();
            String coupon = sale.json().path("issuedCoupons").get(0).path("code").asString();
            Map<String, Object> next = new LinkedHashMap<>(body);
            next.put("receiptId", "HOOK-ALL-" + run + "-2");
            next.remove("pointsToRedeem");
            next.put("couponCodes", List.of(coupon));
            Api.Response second = till.post("/api/v1/purchases", Api.json(next));
            assertThat(second.status()).as(second.toString()).isEqualTo(201);
            Api.Response returned = till.post("/api/v1/purchases/" + second.json().path("purchaseId").asLong() + "/returns",
                    Api.json(Map.of("returnId", "HOOK-ALL-RET-" + run, "lines", List.of(Map.of("lineId", "1", "quantity", 1)))));
            assertThat(returned.status()).as(returned.toString()).isEqualTo(201);
            // A reward taken and handed over, a survey answered.
            Api.Response item = admin.post("/api/v1/rewards", Api.json(Map.of("code", "HK" + run, "name", "Mug", "kind", "GIFT",
                    "pointsPrice", 50)));
            assertThat(item.status()).as(item.toString()).isEqualTo(201);
            Api.Response taken = admin.post("/api/v1/members/" + member + "/rewards/" + item.json().path("id").asLong() + "/redeem", "{}");
            assertThat(taken.status()).as(taken.toString()).isIn(200, 201);
            Api.Response handed = admin.post("/api/v1/reward-redemptions/" + taken.json().path("id").asLong() + "/status",
                    Api.json(Map.of("status", "HANDED_OVER")));
            assertThat(handed.status()).as(handed.toString()).isEqualTo(200);
            transactions.executeWithoutResult(s -> feedback.answer(io.patron.feedback.Feedback.Kind.NPS, 9, "fine",
                    io.patron.feedback.Feedback.Channel.PORTAL, member, null));
            // A draw without entries, drawn once its entry window closed.
            OffsetDateTime now = OffsetDateTime.now(clock);
            Api.Response draw = admin.post("/api/v1/draws", Api.json(Map.of("code", "HKD" + run, "name", "Hook draw",
                    "entryFrom", now.minusHours(1).toString(), "entryTo", now.plusMinutes(1).toString(), "autoDraw", false,
                    "prizes", List.of(Map.of("name", "Mug", "quantity", 1)))));
            assertThat(draw.status()).as(draw.toString()).isEqualTo(201);
            clock.advance(Duration.ofMinutes(5));
            Api.Response drawn = admin.post("/api/v1/draws/" + draw.json().path("id").asLong() + "/draw", "");
            assertThat(drawn.status()).as(drawn.toString()).isEqualTo(200);
            // Years later, the points left expire.
            clock.advance(Duration.ofDays(5 * 366));
            expiry.expireDue();
            assertThat(admin.post("/api/v1/members/" + member + "/erase", "{}").status()).isEqualTo(200);

            deliverAll(Duration.ofSeconds(60), subscription);
            List<WebhookDelivery> log = deliveries(subscription);
            JsonNode schema = Api.JSON.readTree(Files.readString(Path.of("docs/webhooks/events.schema.json")));
            for (WebhookDelivery d : log) {
                conforms(schema, d.type(), Api.JSON.readTree(d.payload()).path("data"));
            }
            Set<String> sent = new HashSet<>(log.stream().map(WebhookDelivery::type).toList());
            assertThat(sent).containsAll(io.patron.webhooks.WebhookTypes.ALL);
            assertThat(new HashSet<>(receiver.delivered())).containsAll(log.stream().map(WebhookDelivery::messageId).toList());
        }
    }


    @Test
    void anAdminSubscribesInThePagesSeesTheSecretOnceRotatesItAndReadsTheLog() throws Exception {
        try (Receiver receiver = new Receiver()) {
            settle();
            io.patron.WebSession admin = io.patron.WebSession.admin(port);
            admin.get("/admin/webhooks");
            java.net.http.HttpResponse<String> refused = admin.post("/admin/webhooks", Map.of("url", "ftp://crm.example.com/x",
                    "events", "member.enrolled"));
            assertThat(io.patron.WebSession.location(refused)).endsWith("/admin/webhooks");
            assertThat(admin.get("/admin/webhooks").body()).contains("class=\"problem\"").contains("url");

            java.net.http.HttpResponse<String> made = admin.post("/admin/webhooks", Map.of("url", receiver.url(), "description", "CRM",
                    "events", "member.enrolled"));
            String location = io.patron.WebSession.location(made);
            assertThat(location).matches(".*/admin/webhooks/[0-9]+");
            long id = Long.parseLong(location.replaceAll(".*/", ""));
            created.add(id);
            java.util.regex.Matcher secret = java.util.regex.Pattern.compile("whsec_[A-Za-z0-9+/=]+")
                    .matcher(admin.get("/admin/webhooks/" + id).body());
            assertThat(secret.find()).isTrue();
            receiver.secret(secret.group());
            assertThat(admin.get("/admin/webhooks/" + id).body()).as("shown once").doesNotContain(secret.group());

            admin.post("/admin/webhooks/" + id + "/secret", Map.of("overlapHours", "2"));
            java.net.http.HttpResponse<String> rotated = admin.get("/admin/webhooks/" + id);
            assertThat(rotated.statusCode()).isEqualTo(200);
            assertThat(rotated.body()).contains("id=\"overlap\"").contains("id=\"webhook-secret\"");
            admin.post("/admin/webhooks/" + id + "/test", Map.of());
            deliverAll(Duration.ofSeconds(10), id);
            assertThat(receiver.delivered()).hasSize(1);
            assertThat(receiver.requests.getLast().signedWell()).as("the old secret verifies during the overlap").isTrue();
            long delivery = deliveries(id).getFirst().id();
            String log = admin.get("/admin/webhooks/" + id + "?delivery=" + delivery).body();
            assertThat(log).contains("id=\"delivery-attempts\"").contains("webhook.test").contains("<td>200</td>");
            assertThat(io.patron.WebSession.location(admin.post("/admin/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", Map.of())))
                    .endsWith("/admin/webhooks/" + id);
            deliverAll(Duration.ofSeconds(10), id);
            assertThat(receiver.delivered()).hasSize(2).allMatch(receiver.delivered().getFirst()::equals);
        }
    }

}
