package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Password guessing slowed down by doubling waits, per user and address, per address and per user name. */
class SignInGuardTest {

    private static final class Hand extends Clock {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final Hand clock = new Hand();
    private final SignInGuard guard = new SignInGuard(clock, new SignInGuard.Limits(5, Duration.ofMinutes(15)),
            new SignInGuard.Limits(20, Duration.ofMinutes(15)), new SignInGuard.Limits(50, Duration.ofSeconds(60)));

    @Test
    void fiveFailuresAreFreeThenEachWaitDoublesUpToItsCap() {
        for (int i = 0; i < 4; i++) {
            guard.failed("anna", "10.0.0.1");
            assertThat(guard.waitSeconds("anna", "10.0.0.1")).as("after " + (i + 1)).isZero();
        }
        guard.failed("anna", "10.0.0.1");
        assertThat(guard.waitSeconds("anna", "10.0.0.1")).isEqualTo(1);
        guard.failed("anna", "10.0.0.1");
        assertThat(guard.waitSeconds("anna", "10.0.0.1")).isEqualTo(2);
        guard.failed("anna", "10.0.0.1");
        assertThat(guard.waitSeconds("anna", "10.0.0.1")).isEqualTo(4);
        for (int i = 0; i < 20; i++) {
            guard.failed("anna", "10.0.0.1");
        }
        assertThat(guard.waitSeconds("anna", "10.0.0.1")).isEqualTo(900);
    }

    @Test
    void aWaitEndsOnItsOwnAndASuccessForgivesTheUserAtThatAddress() {
        for (int i = 0; i < 6; i++) {
            guard.failed("boris", "10.0.0.2");
        }
        assertThat(guard.waitSeconds("boris", "10.0.0.2")).isEqualTo(2);
        clock.now = clock.now.plusSeconds(2);
        assertThat(guard.waitSeconds("boris", "10.0.0.2")).isZero();
        guard.succeeded("boris", "10.0.0.2");
        guard.failed("boris", "10.0.0.2");
        assertThat(guard.waitSeconds("boris", "10.0.0.2")).isZero();
    }

    @Test
    void guessingManyUsersFromOneAddressIsSlowedDownForThatAddressOnly() {
        for (int i = 0; i < 20; i++) {
            guard.failed("user" + i, "10.0.0.3");
        }
        assertThat(guard.waitSeconds("someone-else", "10.0.0.3")).isEqualTo(1);
        assertThat(guard.waitSeconds("someone-else", "10.0.0.4")).isZero();
    }

    @Test
    void guessingOneUserFromManyAddressesCostsTheRealUserAMinuteAtMost() {
        for (int i = 0; i < 200; i++) {
            guard.failed("carla", "10.1.0." + i);
        }
        assertThat(guard.waitSeconds("carla", "192.168.1.7")).isBetween(1L, 60L);
    }

    @Test
    void failuresAreForgottenAnHourAfterTheLast() {
        for (int i = 0; i < 10; i++) {
            guard.failed("dina", "10.0.0.5");
        }
        clock.now = clock.now.plus(Duration.ofMinutes(61));
        assertThat(guard.waitSeconds("dina", "10.0.0.5")).isZero();
        guard.failed("dina", "10.0.0.5");
        assertThat(guard.waitSeconds("dina", "10.0.0.5")).isZero();
    }
}
