package io.patron.events.internal;

import io.patron.events.Event;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The event table: events waiting for their reactions, and what each reaction has done. */
@Repository
public class EventStore {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    EventStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public long insert(String type, Long memberId, Long storeId, Map<String, Object> data, OffsetDateTime at) {
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO events (id, event_type, member_id, store_id, details, occurred_at, attempts, next_attempt_at)
                VALUES (nextval('event_seq'), :type, :member, :store, :data, :at, 0, :at)""")
                .param("type", type).param("member", memberId).param("store", storeId)
                .param("data", json.writeValueAsString(data)).param("at", at).update(keys, "id");
        return keys.getKey().longValue();
    }

    /** Events still waiting for a reaction and due, oldest first, locked (other dispatchers skip them). */
    public List<Event> lockDue(OffsetDateTime now, int limit) {
        return jdbc.sql("""
                SELECT * FROM events WHERE next_attempt_at <= :now ORDER BY id LIMIT :l FOR UPDATE SKIP LOCKED""")
                .param("now", now).param("l", limit)
                .query((rs, i) -> new Event(rs.getLong("id"), rs.getString("event_type"), (Long) rs.getObject("member_id", Long.class),
                        (Long) rs.getObject("store_id", Long.class), json.readValue(rs.getString("details"), MAP),
                        rs.getObject("occurred_at", OffsetDateTime.class), rs.getInt("attempts")))
                .list();
    }

    /** The reactions done for these events, as "eventId/reaction". */
    public java.util.Set<String> done(List<Long> eventIds) {
        java.util.Set<String> done = new java.util.HashSet<>();
        if (!eventIds.isEmpty()) {
            jdbc.sql("SELECT event_id, reaction FROM event_reactions WHERE event_id IN (:ids)").param("ids", eventIds)
                    .query((rs, i) -> done.add(rs.getLong(1) + "/" + rs.getString(2))).list();
        }
        return done;
    }

    public void markDone(long eventId, String reaction, OffsetDateTime at) {
        jdbc.sql("INSERT INTO event_reactions (event_id, reaction, done_at) VALUES (:e, :r, :at) ON CONFLICT DO NOTHING")
                .param("e", eventId).param("r", reaction).param("at", at).update();
    }

    public void failed(long eventId, String error, OffsetDateTime nextAttempt) {
        jdbc.sql("UPDATE events SET attempts = attempts + 1, last_error = :e, next_attempt_at = :next WHERE id = :id")
                .param("e", error.length() > 500 ? error.substring(0, 500) : error).param("next", nextAttempt).param("id", eventId).update();
    }

    /** Events whose reactions are all done: no longer needed. */
    public void forget(List<Long> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        jdbc.sql("DELETE FROM event_reactions WHERE event_id IN (:ids)").param("ids", eventIds).update();
        jdbc.sql("DELETE FROM events WHERE id IN (:ids)").param("ids", eventIds).update();
    }

    public long waiting() {
        return jdbc.sql("SELECT COUNT(*) FROM events").query(Long.class).single();
    }
}
