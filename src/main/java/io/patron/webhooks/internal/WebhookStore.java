package io.patron.webhooks.internal;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.webhooks.WebhookDelivery;
import io.patron.webhooks.WebhookSubscription;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** The subscriptions, their deliveries and each delivery's attempts. */
@Repository
public class WebhookStore {

    private static final String SUBSCRIPTION = """
            SELECT s.*,
                   (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'PENDING') AS waiting,
                   (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'FAILED') AS failed
            FROM webhook_subscriptions s""";

    /** How long this instance answers targets() from memory; its own changes are seen at once. */
    private static final long TARGETS_MILLIS = 1_000;

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate template;
    private volatile CachedTargets cached;

    private record CachedTargets(List<Target> targets, long readAt) {
    }

    WebhookStore(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** Forget the cached targets (this instance changed a subscription). */
    public void changed() {
        cached = null;
    }

    /** A subscription's sealed secrets, for signing. */
    public record Secrets(String url, String current, String previous, OffsetDateTime previousUntil, boolean failing) {
    }

    public long insert(String url, String description, List<String> events, Long storeId, String sealedSecret, String by,
                       OffsetDateTime now) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO webhook_subscriptions (url, description, event_types, store_id, secret, enabled, created_at, created_by)
                VALUES (:url, :d, :e, :store, :secret, TRUE, :now, :by)""")
                .param("url", url).param("d", description).param("e", String.join(",", events)).param("store", storeId)
                .param("secret", sealedSecret).param("now", now).param("by", by).update(keys, "id");
        changed();
        return keys.getKey().longValue();
    }

    public void update(long id, String url, String description, List<String> events, Long storeId, boolean enabled) {
        jdbc.sql("""
                UPDATE webhook_subscriptions SET url = :url, description = :d, event_types = :e, store_id = :store, enabled = :on
                WHERE id = :id""")
                .param("url", url).param("d", description).param("e", String.join(",", events)).param("store", storeId)
                .param("on", enabled).param("id", id).update();
        changed();
    }

    public void rotate(long id, String sealedSecret, OffsetDateTime previousUntil) {
        jdbc.sql("""
                UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_until = :until, secret = :secret WHERE id = :id""")
                .param("until", previousUntil).param("secret", sealedSecret).param("id", id).update();
    }

    public boolean delete(long id) {
        boolean deleted = jdbc.sql("DELETE FROM webhook_subscriptions WHERE id = :id").param("id", id).update() > 0;
        changed();
        return deleted;
    }

    public Optional<WebhookSubscription> find(long id) {
        return jdbc.sql(SUBSCRIPTION + " WHERE s.id = :id").param("id", id).query(WebhookStore::subscription).optional();
    }

    public List<WebhookSubscription> all(int limit) {
        return jdbc.sql(SUBSCRIPTION + " ORDER BY s.id LIMIT :l").param("l", limit).query(WebhookStore::subscription).list();
    }

    /** The subscriptions events are queued for (enabled or paused), without the counts. */
    public record Target(long id, List<String> events, Long storeId) {
        public boolean wants(String type, Long eventStore) {
            return events.contains(type) && (storeId == null || storeId.equals(eventStore));
        }
    }

    /**
     * Every subscription with what it wants, read at most once a second: the reaction asks for each
     * event. Another instance's new subscription is seen within a second.
     */
    public List<Target> targets() {
        CachedTargets c = cached;
        long now = System.currentTimeMillis();
        if (c != null && now - c.readAt() < TARGETS_MILLIS) {
            return c.targets();
        }
        List<Target> read = jdbc.sql("SELECT id, event_types, store_id FROM webhook_subscriptions ORDER BY id")
                .query((rs, i) -> new Target(rs.getLong(1), split(rs.getString(2)), (Long) rs.getObject(3, Long.class))).list();
        cached = new CachedTargets(read, now);
        return read;
    }

    public Secrets secrets(long id) {
        return jdbc.sql("SELECT url, secret, previous_secret, previous_secret_until, failing_since FROM webhook_subscriptions WHERE id = :id")
                .param("id", id)
                .query((rs, i) -> new Secrets(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, OffsetDateTime.class),
                        rs.getObject(5) != null))
                .list().stream().findFirst().orElse(null);
    }

    public long failingCount() {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_subscriptions WHERE failing_since IS NOT NULL").query(Long.class).single();
    }

    // --- deliveries

    /** One delivery to queue: for a subscription, an event's message id, type and body. */
    public record Queued(long subscriptionId, String messageId, String type, String payload, OffsetDateTime occurredAt) {
    }

    public void queue(long subscriptionId, String messageId, String type, String payload, OffsetDateTime occurredAt, OffsetDateTime now) {
        queue(List.of(new Queued(subscriptionId, messageId, type, payload, occurredAt)), now);
    }

    /**
     * Queues deliveries in one batch (one multi-row insert on PostgreSQL with the driver's batch
     * rewriting). A subscription deleted a moment ago fails the batch on its foreign key; the reaction
     * is then tried again and no longer finds it.
     */
    public void queue(List<Queued> deliveries, OffsetDateTime now) {
        if (deliveries.isEmpty()) {
            return;
        }
        template.batchUpdate("""
                INSERT INTO webhook_deliveries (subscription_id, message_id, event_type, payload, occurred_at, status, attempts, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?)""", deliveries, deliveries.size(),
                (ps, d) -> {
                    ps.setLong(1, d.subscriptionId());
                    ps.setString(2, d.messageId());
                    ps.setString(3, d.type());
                    ps.setString(4, d.payload());
                    ps.setObject(5, d.occurredAt());
                    ps.setObject(6, now);
                });
    }

    /** Queues again, at the end, a copy of each delivery of this subscription that matches (same message id and body). */
    public int requeue(long subscriptionId, Long deliveryId, OffsetDateTime since, OffsetDateTime now) {
        String which = deliveryId != null ? " AND id = :d" : " AND occurred_at >= :since";
        var statement = jdbc.sql("""
                INSERT INTO webhook_deliveries (subscription_id, message_id, event_type, payload, occurred_at, status, attempts, next_attempt_at)
                SELECT subscription_id, message_id, event_type, payload, occurred_at, 'PENDING', 0, :now FROM webhook_deliveries
                WHERE subscription_id = :s AND status <> 'PENDING'""" + which + " ORDER BY id")
                .param("now", now).param("s", subscriptionId);
        return (deliveryId != null ? statement.param("d", deliveryId) : statement.param("since", since)).update();
    }

    /** Enabled subscriptions not leased by anyone whose oldest waiting delivery is due. */
    public List<Long> due(OffsetDateTime now, int limit) {
        return jdbc.sql("""
                SELECT s.id FROM webhook_subscriptions s
                WHERE s.enabled AND (s.lease_until IS NULL OR s.lease_until < :now)
                  AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'PENDING'
                              AND d.next_attempt_at <= :now)
                ORDER BY s.id LIMIT :l""")
                .param("now", now).param("l", limit).query(Long.class).list();
    }

    /** Takes the subscription's lease if nobody holds it: only the holder delivers its events. */
    public boolean lease(long id, String owner, OffsetDateTime now, OffsetDateTime until) {
        return jdbc.sql("""
                UPDATE webhook_subscriptions SET lease_owner = :o, lease_until = :until
                WHERE id = :id AND enabled AND (lease_until IS NULL OR lease_until < :now OR lease_owner = :o)""")
                .param("o", owner).param("until", until).param("id", id).param("now", now).update() == 1;
    }

    public void release(long id, String owner) {
        jdbc.sql("UPDATE webhook_subscriptions SET lease_owner = NULL, lease_until = NULL WHERE id = :id AND lease_owner = :o")
                .param("id", id).param("o", owner).update();
    }

    /** The oldest waiting deliveries of a subscription, in their order: nothing later goes out before the first. */
    public List<WebhookDelivery> heads(long subscriptionId, int limit) {
        return jdbc.sql("""
                SELECT * FROM webhook_deliveries WHERE subscription_id = :s AND status = 'PENDING' ORDER BY id LIMIT :l""")
                .param("s", subscriptionId).param("l", limit).query(WebhookStore::delivery).list();
    }

    public void attempt(long deliveryId, OffsetDateTime at, Integer status, int latencyMillis, String response, String error) {
        jdbc.sql("""
                INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, latency_millis, response, error)
                VALUES (:d, :at, :s, :l, :r, :e)""")
                .param("d", deliveryId).param("at", at).param("s", status).param("l", latencyMillis).param("r", cut(response, 1000))
                .param("e", cut(error, 500)).update();
    }

    /** A delivery answered with a 2xx: when, the status, how long it took and the answer's first bytes. */
    public record Delivered(long deliveryId, OffsetDateTime at, int statusCode, int latencyMillis, String response) {
    }

    /** Marks deliveries delivered in one batch, each with the attempt that delivered it. */
    public void delivered(List<Delivered> done) {
        if (done.isEmpty()) {
            return;
        }
        template.batchUpdate("""
                UPDATE webhook_deliveries SET status = 'DELIVERED', attempts = attempts + 1, finished_at = ?,
                       first_attempt_at = COALESCE(first_attempt_at, ?), status_code = ?, latency_millis = ?, response = ?
                WHERE id = ?""", done, done.size(), (ps, d) -> {
            ps.setObject(1, d.at());
            ps.setObject(2, d.at());
            ps.setInt(3, d.statusCode());
            ps.setInt(4, d.latencyMillis());
            ps.setString(5, cut(d.response(), 1000));
            ps.setLong(6, d.deliveryId());
        });
    }

    /** A delivery succeeded: the subscription is no longer failing. */
    public void recovered(long subscriptionId) {
        jdbc.sql("UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = :id AND failing_since IS NOT NULL")
                .param("id", subscriptionId).update();
    }

    public OffsetDateTime firstAttempt(long deliveryId, OffsetDateTime orElse) {
        OffsetDateTime first = jdbc.sql("SELECT first_attempt_at FROM webhook_deliveries WHERE id = :id").param("id", deliveryId)
                .query((rs, i) -> rs.getObject(1, OffsetDateTime.class)).list().stream().filter(java.util.Objects::nonNull).findFirst()
                .orElse(null);
        return first == null ? orElse : first;
    }

    public void retryLater(long deliveryId, OffsetDateTime firstAttempt, OffsetDateTime next) {
        jdbc.sql("""
                UPDATE webhook_deliveries SET attempts = attempts + 1, first_attempt_at = :first, next_attempt_at = :next WHERE id = :id""")
                .param("first", firstAttempt).param("next", next).param("id", deliveryId).update();
    }

    public void gaveUp(long deliveryId, long subscriptionId, OffsetDateTime firstAttempt, OffsetDateTime at) {
        jdbc.sql("""
                UPDATE webhook_deliveries SET status = 'FAILED', attempts = attempts + 1, first_attempt_at = :first, finished_at = :at
                WHERE id = :id""")
                .param("first", firstAttempt).param("at", at).param("id", deliveryId).update();
        jdbc.sql("UPDATE webhook_subscriptions SET failing_since = :at WHERE id = :id AND failing_since IS NULL")
                .param("at", at).param("id", subscriptionId).update();
    }

    public Page<WebhookDelivery> deliveries(long subscriptionId, WebhookDelivery.Status status, PageRequest page) {
        String where = " WHERE subscription_id = :s" + (status == null ? "" : " AND status = :st");
        var count = jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries" + where).param("s", subscriptionId);
        var list = jdbc.sql("SELECT * FROM webhook_deliveries" + where + " ORDER BY id DESC LIMIT :l OFFSET :o").param("s", subscriptionId)
                .param("l", page.size()).param("o", page.offset());
        if (status != null) {
            count = count.param("st", status.name());
            list = list.param("st", status.name());
        }
        return new Page<>(list.query(WebhookStore::delivery).list(), page.page(), page.size(), count.query(Long.class).single());
    }

    public Optional<WebhookDelivery> delivery(long id) {
        return jdbc.sql("SELECT * FROM webhook_deliveries WHERE id = :id").param("id", id).query(WebhookStore::delivery).optional();
    }

    /** A delivery's attempts, newest first: the one that delivered it (if it was), then the failed ones. */
    public List<WebhookDelivery.Attempt> attempts(long deliveryId, int limit) {
        List<WebhookDelivery.Attempt> attempts = new java.util.ArrayList<>(jdbc.sql("""
                SELECT finished_at, status_code, latency_millis, response FROM webhook_deliveries
                WHERE id = :d AND status = 'DELIVERED' AND status_code IS NOT NULL""").param("d", deliveryId)
                .query((rs, i) -> new WebhookDelivery.Attempt(0, rs.getObject(1, OffsetDateTime.class), rs.getInt(2), rs.getInt(3),
                        rs.getString(4), null))
                .list());
        attempts.addAll(failedAttempts(deliveryId, limit - attempts.size()));
        return attempts;
    }

    private List<WebhookDelivery.Attempt> failedAttempts(long deliveryId, int limit) {
        return jdbc.sql("SELECT * FROM webhook_attempts WHERE delivery_id = :d ORDER BY id DESC LIMIT :l").param("d", deliveryId)
                .param("l", limit)
                .query((rs, i) -> new WebhookDelivery.Attempt(rs.getLong("id"), rs.getObject("attempted_at", OffsetDateTime.class),
                        (Integer) rs.getObject("status_code", Integer.class), rs.getInt("latency_millis"), rs.getString("response"),
                        rs.getString("error")))
                .list();
    }

    public long waitingTotal() {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'PENDING'").query(Long.class).single();
    }

    private static WebhookSubscription subscription(ResultSet rs, int i) throws SQLException {
        return new WebhookSubscription(rs.getLong("id"), rs.getString("url"), rs.getString("description"), split(rs.getString("event_types")),
                (Long) rs.getObject("store_id", Long.class), rs.getBoolean("enabled"), rs.getObject("failing_since", OffsetDateTime.class),
                rs.getObject("previous_secret_until", OffsetDateTime.class), rs.getObject("created_at", OffsetDateTime.class),
                rs.getString("created_by"), rs.getLong("waiting"), rs.getLong("failed"));
    }

    private static WebhookDelivery delivery(ResultSet rs, int i) throws SQLException {
        return new WebhookDelivery(rs.getLong("id"), rs.getLong("subscription_id"), rs.getString("message_id"), rs.getString("event_type"),
                rs.getString("payload"), rs.getObject("occurred_at", OffsetDateTime.class),
                WebhookDelivery.Status.valueOf(rs.getString("status")), rs.getInt("attempts"),
                rs.getObject("next_attempt_at", OffsetDateTime.class), rs.getObject("finished_at", OffsetDateTime.class));
    }

    private static List<String> split(String types) {
        return types == null || types.isBlank() ? List.of() : Arrays.asList(types.split(","));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
