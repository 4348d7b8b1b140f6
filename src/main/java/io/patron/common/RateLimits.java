package io.patron.common;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Counters of attempts per key in fixed windows, for what must not be tried endlessly: signing in,
 * asking for sign-in links, signing up, looking members up by phone. In memory per instance (several
 * instances allow their sum — the bound stays small); at most {@value #KEYS_MAX} keys are kept, the
 * expired ones dropped first.
 */
@Component
public class RateLimits {

    static final int KEYS_MAX = 100_000;

    private record Window(long endsAt, int count) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** The seconds until {@code key} may try again when it has used up {@code limit} in its window, else 0 (counts nothing). */
    public long blocked(String bucket, String key, int limit) {
        Window w = windows.get(bucket + '\u0000' + key);
        long now = System.currentTimeMillis();
        return w == null || w.endsAt() <= now || w.count() < limit ? 0 : Math.max(1, (w.endsAt() - now + 999) / 1000);
    }

    /**
     * Counts one attempt of {@code key} in {@code bucket}; answers 0 when it is allowed, else the seconds
     * until the window ends (when to retry).
     */
    public long attempt(String bucket, String key, int limit, Duration window) {
        long now = System.currentTimeMillis();
        if (windows.size() >= KEYS_MAX) {
            windows.values().removeIf(w -> w.endsAt() <= now);
            if (windows.size() >= KEYS_MAX) {
                windows.clear();
            }
        }
        Window w = windows.compute(bucket + '\u0000' + key, (k, old) -> old == null || old.endsAt() <= now
                ? new Window(now + window.toMillis(), 1) : new Window(old.endsAt(), old.count() + 1));
        return w.count() <= limit ? 0 : Math.max(1, (w.endsAt() - now + 999) / 1000);
    }
}
