package io.patron.checkout.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patron.common.ProblemException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * At most {@code patron.checkout.member-concurrency} sales of one member are worked on at once on an
 * instance. A member's sales queue on their ledger lock in the database, each holding a connection
 * while it waits; without this bound, one hot card (a shared family card, a till stuck retrying) could
 * take the whole pool and stop every other till. The next one gets 429 MEMBER_BUSY with Retry-After.
 */
@Component
public class MemberGate {

    private final int max;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Counter refused;

    MemberGate(@Value("${patron.checkout.member-concurrency:8}") int max, MeterRegistry meters) {
        this.max = max;
        this.refused = Counter.builder("patron.checkout.member.busy").description("Sales refused with 429: too many at once for one member")
                .register(meters);
    }

    /** A pass through the gate; closing it lets the next sale of the member in. */
    public interface Pass extends AutoCloseable {
        @Override
        void close();
    }

    /** A pass for one sale of the member named by {@code key} (card number or phone); close it when done. */
    public Pass enter(String key) {
        if (key == null) {
            return () -> { };
        }
        AtomicInteger count = inFlight.computeIfAbsent(key, k -> new AtomicInteger());
        if (count.incrementAndGet() > max) {
            leave(key, count);
            refused.increment();
            throw ProblemException.tooManyRequests("MEMBER_BUSY", "Too many sales of this member at once; retry in a moment.", 1);
        }
        return () -> leave(key, count);
    }

    private void leave(String key, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            inFlight.remove(key, count);
        }
    }
}
