package io.patron.checkout.internal;

import io.patron.common.ProblemException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of till sales: sales arriving together (within {@code window-micros}) are written in
 * one database transaction — one commit, one WAL flush for all of them — by a few committer threads.
 * Each sale runs in a savepoint of its own, in the order of the card (or phone) it names (so two groups
 * lock members in the same order and do not deadlock over them), and is still recorded exactly once with
 * its own answer: a sale that fails its own checks is rolled back to its savepoint and fails alone.
 * No answer is given before the shared transaction has committed. Should the shared transaction fail
 * for another reason (a deadlock over a referrer's account, say), each of its sales is tried again in
 * a transaction of its own.
 */
@Component
public class GroupCommit {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** A sale to write: what orders its member's lock (the card or phone it names; "" when anonymous) and the work. */
    private record Task(String memberOrder, Supplier<Object> work, CompletableFuture<Object> answer) {
    }

    private final boolean enabled;
    private final long windowNanos;
    private final int maxSales;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final TransactionTemplate shared;
    private final TransactionTemplate savepoint;
    private final TransactionTemplate alone;
    private final List<Thread> committers = new ArrayList<>();

    private final java.util.concurrent.atomic.AtomicLong groups = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong sales = new java.util.concurrent.atomic.AtomicLong();

    GroupCommit(PlatformTransactionManager transactions, io.micrometer.core.instrument.MeterRegistry meters,
                @Value("${patron.checkout.group-commit.enabled:false}") boolean enabled,
                @Value("${patron.checkout.group-commit.window-micros:1000}") long windowMicros,
                @Value("${patron.checkout.group-commit.max-sales:16}") int maxSales,
                @Value("${patron.checkout.group-commit.committers:3}") int committers) {
        this.enabled = enabled;
        this.windowNanos = TimeUnit.MICROSECONDS.toNanos(windowMicros);
        this.maxSales = Math.max(1, maxSales);
        this.shared = new TransactionTemplate(transactions);
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.alone = new TransactionTemplate(transactions);
        io.micrometer.core.instrument.FunctionCounter.builder("patron.checkout.group.commits", groups, java.util.concurrent.atomic.AtomicLong::get)
                .description("Database transactions that wrote a group of till sales").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("patron.checkout.group.sales", sales, java.util.concurrent.atomic.AtomicLong::get)
                .description("Till sales written in groups").register(meters);
        if (enabled) {
            for (int i = 0; i < Math.max(1, committers); i++) {
                Thread t = Thread.ofPlatform().daemon().name("group-commit-" + i).start(this::commitLoop);
                this.committers.add(t);
            }
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Writes a sale in the next group and answers once that group committed; the work runs on a
     * committer's thread inside the shared transaction.
     */
    @SuppressWarnings("unchecked")
    public <T> T submit(String memberOrder, Supplier<T> work) {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        queue.add(new Task(memberOrder, (Supplier<Object>) work, answer));
        try {
            return (T) answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the sale was being written", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void commitLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                List<Task> group = new ArrayList<>();
                group.add(queue.take());
                long until = System.nanoTime() + windowNanos;
                while (group.size() < maxSales) {
                    long left = until - System.nanoTime();
                    Task next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    group.add(next);
                }
                write(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("Group commit loop failed", e);
            }
        }
    }

    /** Groups written so far and the sales in them: how much the grouping gathered. */
    public long[] written() {
        return new long[] {groups.get(), sales.get()};
    }

    private void write(List<Task> group) {
        group.sort(Comparator.comparing(Task::memberOrder));
        groups.incrementAndGet();
        sales.addAndGet(group.size());
        List<Object> answers = new ArrayList<>();
        List<RuntimeException> refusals = new ArrayList<>();
        try {
            shared.executeWithoutResult(status -> {
                for (Task task : group) {
                    try {
                        answers.add(savepoint.execute(s -> task.work().get()));
                        refusals.add(null);
                    } catch (ProblemException | ReceiptTaken e) {
                        // This sale's own refusal: rolled back to its savepoint; the others go on.
                        answers.add(null);
                        refusals.add(e);
                    }
                }
            });
        } catch (RuntimeException sharedFailure) {
            if (group.size() == 1) {
                group.getFirst().answer().completeExceptionally(sharedFailure);
                return;
            }
            log.debug("A group of {} sales failed together ({}); each is written alone", group.size(), sharedFailure.toString());
            for (Task task : group) {
                try {
                    task.answer().complete(alone.execute(s -> task.work().get()));
                } catch (RuntimeException e) {
                    task.answer().completeExceptionally(e);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            if (refusals.get(i) != null) {
                group.get(i).answer().completeExceptionally(refusals.get(i));
            } else {
                group.get(i).answer().complete(answers.get(i));
            }
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        committers.forEach(Thread::interrupt);
    }
}
