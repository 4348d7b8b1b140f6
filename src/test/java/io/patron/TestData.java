package io.patron;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Unique contact data for tests that share one database. */
public final class TestData {

    private static final AtomicLong SEQUENCE = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000, 9_000_000));

    private TestData() {
    }

    /** A valid Russian mobile number in E.164, different on every call. */
    public static String phone() {
        return "+7916" + SEQUENCE.incrementAndGet();
    }

    public static String email() {
        return "member" + SEQUENCE.incrementAndGet() + "@example.org";
    }

    public static String externalId() {
        return "EXT-" + SEQUENCE.incrementAndGet();
    }
}
