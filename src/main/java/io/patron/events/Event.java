package io.patron.events;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A stored event: its id (the order events happened in, per transaction commit), a dotted lower-case
 * type ({@code purchase.recorded}), the member and store it concerns when it concerns one, and what
 * else its reactions need as a small map of plain values.
 */
public record Event(long id, String type, Long memberId, Long storeId, Map<String, Object> data, OffsetDateTime occurredAt,
                    int attempts) {

    public Event {
        data = Map.copyOf(data);
    }

    public long number(String key) {
        Object value = data.get(key);
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }

    public String text(String key) {
        Object value = data.get(key);
        return value == null ? null : String.valueOf(value);
    }

    public boolean flag(String key) {
        return Boolean.TRUE.equals(data.get(key)) || "true".equals(data.get(key));
    }
}
