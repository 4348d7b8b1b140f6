package io.patron.events.internal;

import io.patron.events.Event;
import io.patron.events.EventReaction;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
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
 * SKIP LOCKED, so several instances share the work and never run one event at once. The batch is one
 * transaction and each reaction runs in a savepoint of it: a reaction that fails is rolled back alone
 * and tried again later (with a growing pause), and the reactions of that event that did succeed are
 * noted, so they are not repeated; a batch of a hundred events costs one commit, not one per reaction.
 * An event is finished — and deleted — when every reaction that wants it is done. (Taken in the order of their ids from the primary key, deleted rows cost the next poll
 * nothing: a queue that only grows at one end and shrinks at the other.)
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

    EventDispatcher(EventStore store, List<EventReaction> reactions, PlatformTransactionManager transactions, Clock clock) {
        this.store = store;
        this.reactions = List.copyOf(reactions);
        this.batch = new TransactionTemplate(transactions);
        this.own = new TransactionTemplate(transactions);
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.clock = clock;
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
        if (due.isEmpty()) {
            return new int[] {0, 0};
        }
        java.util.Set<String> done = store.done(due.stream().map(Event::id).toList());
        List<Long> finished = new java.util.ArrayList<>();
        for (Event event : due) {
            List<EventReaction> wanting = reactions.stream().filter(r -> r.wants(event.type())).toList();
            // The event itself is the note of what is left to do; when one of its reactions fails, those
            // that succeeded note that they are done, so that the retry does not repeat them.
            String failure = null;
            List<String> succeeded = new java.util.ArrayList<>();
            for (EventReaction reaction : wanting) {
                if (done.contains(event.id() + "/" + reaction.name())) {
                    continue;
                }
                try {
                    own.executeWithoutResult(s -> reaction.on(event));
                    succeeded.add(reaction.name());
                } catch (RuntimeException e) {
                    failure = reaction.name() + ": " + e;
                    log.warn("Reaction {} to event {} ({}) failed; it is tried again later: {}", reaction.name(), event.id(), event.type(),
                            e.toString());
                }
            }
            if (failure == null) {
                finished.add(event.id());
            } else {
                for (String name : succeeded) {
                    store.markDone(event.id(), name, OffsetDateTime.now(clock));
                }
                store.failed(event.id(), failure, now.plus(pause(event.attempts())));
            }
        }
        store.forget(finished);
        return new int[] {due.size(), finished.size()};
    }

    static Duration pause(int attempts) {
        Duration pause = FIRST_RETRY.multipliedBy(1L << Math.min(attempts, 20));
        return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
    }

}
