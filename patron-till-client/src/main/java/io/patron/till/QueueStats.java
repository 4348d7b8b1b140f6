package io.patron.till;

import java.time.Duration;

/**
 * The queue as a till's monitoring sees it: sales waiting (and the oldest's age), recorded and rejected
 * since the client started, and send attempts that failed for want of Patron.
 */
public record QueueStats(long waiting, Duration oldestWaiting, long recorded, long rejected, long failedAttempts) {
}
