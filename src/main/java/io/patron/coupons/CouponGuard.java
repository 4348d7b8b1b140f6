package io.patron.coupons;

import io.patron.common.ProblemException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Refuses coupon guessing: a till and a member may each send only so many unknown codes in a sliding
 * window ({@code patron.coupons.invalid-per-till}, {@code patron.coupons.invalid-per-member} per
 * {@code patron.coupons.window-seconds}); past that, requests with codes get a 429 with
 * {@code Retry-After} until the oldest failure leaves the window. Counts live in this instance's
 * memory (several instances each allow their own share; see docs/operations.md for the arithmetic).
 */
@Component
public class CouponGuard {

    private static final int KEYS_MAX = 100_000;

    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final int perTill;
    private final int perMember;
    private final long windowMillis;
    private final Clock clock;

    CouponGuard(@Value("${patron.coupons.invalid-per-till:20}") int perTill,
                @Value("${patron.coupons.invalid-per-member:10}") int perMember,
                @Value("${patron.coupons.window-seconds:600}") long windowSeconds, Clock clock) {
        this.perTill = perTill;
        this.perMember = perMember;
        this.windowMillis = windowSeconds * 1000;
        this.clock = clock;
    }

    /** Throws 429 when the till or the member has sent too many unknown codes lately. */
    public void checkAllowed(long tillId, Long memberId) {
        long now = clock.millis();
        long wait = Math.max(waitMillis("till:" + tillId, perTill, now), memberId == null ? 0 : waitMillis("member:" + memberId, perMember, now));
        if (wait > 0) {
            throw ProblemException.tooManyRequests("TOO_MANY_INVALID_COUPONS",
                    "Too many unknown coupon codes from this till or for this member; try again later.", (wait + 999) / 1000);
        }
    }

    /** Counts {@code count} unknown codes against the till and the member. */
    public void failed(long tillId, Long memberId, int count) {
        if (count <= 0) {
            return;
        }
        if (failures.size() > KEYS_MAX) {
            failures.clear();
        }
        long now = clock.millis();
        for (int i = 0; i < count; i++) {
            add("till:" + tillId, now);
            if (memberId != null) {
                add("member:" + memberId, now);
            }
        }
    }

    private void add(String key, long now) {
        Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(now);
            while (times.size() > 1000) {
                times.pollFirst();
            }
        }
    }

    private long waitMillis(String key, int limit, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
                times.pollFirst();
            }
            if (times.size() < limit) {
                return 0;
            }
            // Blocked until enough failures leave the window to get below the limit.
            Long[] sorted = times.toArray(Long[]::new);
            return sorted[times.size() - limit] + windowMillis - now;
        }
    }
}
