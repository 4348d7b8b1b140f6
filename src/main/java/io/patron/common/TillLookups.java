package io.patron.common;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Bounds how many members one till key may look up (by card, phone, e-mail or external id) and how
 * many accounts it may read per minute. A counter serves a few customers a minute; a stolen key
 * walking the member base is refused with {@code 429 TOO_MANY_LOOKUPS} after
 * {@code patron.till.lookups-per-minute}.
 */
@Component
public class TillLookups {

    private final RateLimits limits;
    private final int perMinute;

    TillLookups(RateLimits limits, @Value("${patron.till.lookups-per-minute:120}") int perMinute) {
        this.limits = limits;
        this.perMinute = perMinute;
    }

    /** Counts a lookup when the caller is a till; throws when its key has used up the minute's lookups. */
    public void count() {
        Callers.till().ifPresent(till -> {
            long wait = limits.attempt("till-lookup", Long.toString(till.tillId()), perMinute, Duration.ofMinutes(1));
            if (wait > 0) {
                throw ProblemException.tooManyRequests("TOO_MANY_LOOKUPS", "Too many member lookups from this till; slow down.", wait);
            }
        });
    }
}
