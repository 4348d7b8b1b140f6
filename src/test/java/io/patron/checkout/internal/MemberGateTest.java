package io.patron.checkout.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patron.common.ProblemException;
import org.junit.jupiter.api.Test;

/** A hot member's sales beyond the bound are refused with MEMBER_BUSY until one of theirs ends; other members go on. */
class MemberGateTest {

    @Test
    void salesOfOneMemberBeyondTheBoundAreRefusedUntilOneEnds() {
        MemberGate gate = new MemberGate(3, new SimpleMeterRegistry());
        MemberGate.Pass one = gate.enter("card:1");
        gate.enter("card:1");
        gate.enter("card:1");
        assertThatThrownBy(() -> gate.enter("card:1")).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.code()).isEqualTo("MEMBER_BUSY");
            assertThat(e.status().value()).isEqualTo(429);
        });
        gate.enter("card:2").close();
        one.close();
        gate.enter("card:1").close();
        gate.enter(null).close();
    }
}
