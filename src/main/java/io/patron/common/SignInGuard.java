package io.patron.common;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing down without handing an attacker a way to lock staff out. Failed sign-ins
 * are counted per user name and client address, per client address, and per user name from
 * anywhere; past a few free failures each further attempt must wait, the wait doubling with every
 * failure up to a cap. A wait ends on its own — there is no lock to trip — and the cap on the
 * per-user-name count (which an attacker could drive from elsewhere) is short, so the real user waits
 * a minute at most. The pair of user name and address is forgiven at a successful sign-in; all counts
 * are forgotten an hour after their last failure. Counts are kept in memory per instance.
 *
 * <p>Used by the admin and partner sign-in forms and by HTTP Basic on the API.
 */
@Component
public class SignInGuard {

    static final int KEYS_MAX = 100_000;
    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    /** {@code free} failures cost nothing; then waits of 1 s, 2 s, 4 s … up to {@code cap}. */
    public record Limits(int free, Duration cap) {
    }

    private record Count(int failures, long lastFailure) {
    }

    private final Map<String, Count> counts = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Limits perUserAndAddress;
    private final Limits perAddress;
    private final Limits perUser;

    @org.springframework.beans.factory.annotation.Autowired
    SignInGuard(@Value("${patron.security.sign-in.free-failures:5}") int pairFree,
                @Value("${patron.security.sign-in.max-wait-seconds:900}") long pairCap,
                @Value("${patron.security.sign-in.free-failures-per-address:20}") int addressFree,
                @Value("${patron.security.sign-in.free-failures-per-user:50}") int userFree,
                @Value("${patron.security.sign-in.max-wait-per-user-seconds:60}") long userCap) {
        // Wall-clock time, not the application's Clock: tests move that one across months.
        this(Clock.systemUTC(), new Limits(pairFree, Duration.ofSeconds(pairCap)), new Limits(addressFree, Duration.ofSeconds(pairCap)),
                new Limits(userFree, Duration.ofSeconds(userCap)));
    }

    public SignInGuard(Clock clock, Limits perUserAndAddress, Limits perAddress, Limits perUser) {
        this.clock = clock;
        this.perUserAndAddress = perUserAndAddress;
        this.perAddress = perAddress;
        this.perUser = perUser;
    }

    /** Seconds {@code user} signing in from {@code address} must still wait (0: may try now). */
    public long waitSeconds(String user, String address) {
        long now = clock.millis();
        long wait = Math.max(wait(pair(user, address), perUserAndAddress, now),
                Math.max(wait("a:" + address, perAddress, now), wait("u:" + normal(user), perUser, now)));
        return wait == 0 ? 0 : Math.max(1, (wait + 999) / 1000);
    }

    public void failed(String user, String address) {
        long now = clock.millis();
        if (counts.size() >= KEYS_MAX) {
            counts.values().removeIf(c -> now - c.lastFailure() > FORGET_AFTER.toMillis());
            if (counts.size() >= KEYS_MAX) {
                counts.clear();
            }
        }
        for (String key : new String[] {pair(user, address), "a:" + address, "u:" + normal(user)}) {
            counts.compute(key, (k, old) -> old == null || now - old.lastFailure() > FORGET_AFTER.toMillis()
                    ? new Count(1, now) : new Count(old.failures() + 1, now));
        }
    }

    public void succeeded(String user, String address) {
        counts.remove(pair(user, address));
    }

    private long wait(String key, Limits limits, long now) {
        Count c = counts.get(key);
        if (c == null || now - c.lastFailure() > FORGET_AFTER.toMillis() || c.failures() < limits.free()) {
            return 0;
        }
        int doublings = Math.min(c.failures() - limits.free(), 30);
        long delay = Math.min(limits.cap().toMillis(), 1000L << doublings);
        return Math.max(0, c.lastFailure() + delay - now);
    }

    private static String pair(String user, String address) {
        return "p:" + normal(user) + '\u0000' + address;
    }

    private static String normal(String user) {
        return user == null ? "" : user.trim().toLowerCase(Locale.ROOT);
    }
}
