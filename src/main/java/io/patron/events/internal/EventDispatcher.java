package io.patron.events.internal;

import io.patron.events.Event;
import io.patron.events.EventReaction;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands committed events to their reactions. Events are taken oldest first in batches locked with
 * SKIP LOCKED, so several instances share the work and never run one event at once; each reaction runs
 * in a transaction of its own and notes that it is done in it, so a reaction that failed is tried again
 * (with a growing pause) without repeating those that did not. An event is finished when every
 * reaction that wants it is done.
 */
@Component
public class EventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
    static final int BATCH = 100;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    private static final Duration LONGEST_PAUSE = Duration.ofHours(1);

    private final EventStore store;
    private final List<EventReaction> reactions;
    private final TransactionTemplate batch;
    private final TransactionTemplate own;
    private final Clock clock;
    private final int keepDays;

    EventDispatcher(EventStore store, List<EventReaction> reactions, PlatformTransactionManager transactions, Clock clock,
                    @Value("${patron.events.keep-days:30}") int keepDays) {
        this.store = store;
        this.reactions = List.copyOf(reactions);
        this.batch = new TransactionTemplate(transactions);
        this.own = new TransactionTemplate(transactions);
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
        this.keepDays = keepDays;
    }

    @Scheduled(fixedDelayString = "${patron.events.poll-millis:250}", initialDelayString = "${patron.events.initial-delay-millis:3000}")
    void dispatchDue() {
        drain();
    }

    /** Hands every due event to its reactions; answers how many events were finished. */
    public int drain() {
        int finished = 0;
        int taken;
        do {
            int[] counts = batch.execute(status -> dispatchBatch());
            taken = counts[0];
            finished += counts[1];
        } while (taken == BATCH);
        return finished;
    }

    private int[] dispatchBatch() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Event> due = store.lockDue(now, BATCH);
        int finished = 0;
        for (Event event : due) {
            String failure = null;
            for (EventReaction reaction : reactions) {
                if (!reaction.wants(event.type()) || store.done(event.id(), reaction.name())) {
                    continue;
                }
                try {
                    own.executeWithoutResult(s -> {
                        reaction.on(event);
                        store.markDone(event.id(), reaction.name(), OffsetDateTime.now(clock));
                    });
                } catch (RuntimeException e) {
                    failure = reaction.name() + ": " + e;
                    log.warn("Reaction {} to event {} ({}) failed; it is tried again later: {}", reaction.name(), event.id(), event.type(),
                            e.toString());
                }
            }
            if (failure == null) {
                store.dispatched(event.id(), now);
                finished++;
            } else {
                store.failed(event.id(), failure, now.plus(pause(attempts(event))));
            }
        }
        return new int[] {due.size(), finished};
    }

    private int attempts(Event event) {
        return store.attempts(event.id());
    }

    static Duration pause(int attempts) {
        Duration pause = FIRST_RETRY.multipliedBy(1L << Math.min(attempts, 20));
        return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
    }

    /** Finished events are kept {@code patron.events.keep-days} (for redelivery), then forgotten. */
    @Scheduled(fixedDelayString = "${patron.events.forget-millis:3600000}", initialDelayString = "${patron.events.forget-initial-delay-millis:600000}")
    @SchedulerLock(name = "events-forget", lockAtMostFor = "PT10M")
    void forgetOld() {
        OffsetDateTime before = OffsetDateTime.now(clock).minusDays(keepDays);
        int forgotten;
        do {
            forgotten = batch.execute(status -> store.forget(before, 10_000));
        } while (forgotten == 10_000);
    }
}
