package io.patron.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.IntegrationTest;
import io.patron.events.Event;
import io.patron.events.EventReaction;
import io.patron.events.Events;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dispatcher hands each committed event to every reaction that wants it: a reaction that fails is
 * rolled back alone (its writes vanish, the others' stay) and tried again later, without the reactions
 * that succeeded running twice; the event is deleted once all are done.
 */
class EventDispatcherTest extends IntegrationTest {

    private static final String TYPE = "test.dispatched";

    @Autowired
    EventStore store;

    @Autowired
    Events events;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    /** A reaction that writes a row for each event it handles, and fails (after writing) while told to. */
    private final class Writing implements EventReaction {
        final String name;
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean failing;

        Writing(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean wants(String type) {
            return TYPE.equals(type);
        }

        @Override
        public void on(Event event) {
            calls.incrementAndGet();
            jdbc.sql("INSERT INTO fraud_signals (kind, subject, member_id, seen_at) VALUES ('TEST', :s, :m, :at)")
                    .param("s", name + ":" + event.id()).param("m", 0).param("at", OffsetDateTime.now(clock)).update();
            if (failing) {
                throw new IllegalStateException(name + " fails");
            }
        }
    }

    private long written(String name, long eventId) {
        return jdbc.sql("SELECT COUNT(*) FROM fraud_signals WHERE kind = 'TEST' AND subject = :s").param("s", name + ":" + eventId)
                .query(Long.class).single();
    }

    @Test
    void aFailingReactionIsRolledBackAloneAndRetriedWithoutRepeatingTheOthers() {
        settle();
        Writing steady = new Writing("steady" + System.nanoTime());
        Writing flaky = new Writing("flaky" + System.nanoTime());
        flaky.failing = true;
        EventDispatcher dispatcher = new EventDispatcher(store, List.of(steady, flaky), transactionManager, clock);
        long first = transactions.execute(s -> events.record(TYPE, null, null, Map.of("n", 1), OffsetDateTime.now(clock)));
        long second = transactions.execute(s -> events.record(TYPE, null, null, Map.of("n", 2), OffsetDateTime.now(clock)));

        assertThat(dispatcher.drain()).isZero();
        assertThat(steady.calls).hasValue(2);
        assertThat(flaky.calls).hasValue(2);
        assertThat(written(steady.name, first)).isEqualTo(1);
        assertThat(written(flaky.name, first)).as("the failed reaction's write is rolled back").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE id IN (:ids)").param("ids", List.of(first, second)).query(Long.class).single())
                .isEqualTo(2);
        assertThat(jdbc.sql("SELECT reaction FROM event_reactions WHERE event_id = :e").param("e", first).query(String.class).list())
                .as("what succeeded is noted").containsExactly(steady.name);

        flaky.failing = false;
        jdbc.sql("UPDATE events SET next_attempt_at = :now WHERE id IN (:ids)").param("now", OffsetDateTime.now(clock).minusSeconds(1))
                .param("ids", List.of(first, second)).update();
        assertThat(dispatcher.drain()).isEqualTo(2);
        assertThat(steady.calls).as("the reaction that succeeded is not run again").hasValue(2);
        assertThat(flaky.calls).hasValue(4);
        assertThat(written(steady.name, first)).isEqualTo(1);
        assertThat(written(flaky.name, first)).isEqualTo(1);
        assertThat(written(flaky.name, second)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE id IN (:ids)").param("ids", List.of(first, second)).query(Long.class).single())
                .as("finished events are deleted").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM event_reactions WHERE event_id IN (:ids)").param("ids", List.of(first, second))
                .query(Long.class).single()).as("and their notes").isZero();
    }
}
