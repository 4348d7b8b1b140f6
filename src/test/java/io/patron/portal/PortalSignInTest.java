package io.patron.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.members.EnrolmentChannel;
import io.patron.members.MemberDetails;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.portal.internal.LoginLinks;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class PortalSignInTest extends IntegrationTest {

    @Autowired
    LoginLinks links;

    @Autowired
    Members members;

    @Autowired
    Clock clock;

    private MemberId member() {
        return members.enrol(new MemberDetails(null, null, null, TestData.email(), "Ani", null, null, "hy", null, false, null),
                EnrolmentChannel.PORTAL, null).member().id();
    }

    @Test
    void aSignInLinkWorksExactlyOnce() {
        MemberId id = member();
        String token = links.issue(id);
        assertThat(links.valid(token)).isTrue();
        assertThat(links.redeem(token)).contains(id);
        assertThat(links.redeem(token)).isEmpty();
        assertThat(links.valid(token)).isFalse();
    }

    @Test
    void forgedTokensAreRefused() {
        String token = links.issue(member());
        String forged = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertThat(links.redeem(forged)).isEmpty();
        assertThat(links.redeem("")).isEmpty();
        assertThat(links.redeem(null)).isEmpty();
        assertThat(links.redeem("x".repeat(10_000))).isEmpty();
    }

    @Test
    void twoClicksAtTheSameMomentSignInOnce() throws Exception {
        String token = links.issue(member());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.Callable<Boolean> click = () -> links.redeem(token).isPresent();
            var results = pool.invokeAll(java.util.Collections.nCopies(8, click));
            long successes = 0;
            for (java.util.concurrent.Future<Boolean> r : results) {
                successes += r.get() ? 1 : 0;
            }
            assertThat(successes).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
    }
}
