package io.patron.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.IntegrationTest;
import io.patron.TestData;
import io.patron.checkout.Checkout;
import io.patron.checkout.PurchaseRequest;
import io.patron.common.Caller;
import io.patron.members.EnrolmentChannel;
import io.patron.members.MemberDetails;
import io.patron.members.Members;
import io.patron.stores.Stores;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Support merges duplicates while tills sell to the same people. The merge and the sales take their
 * locks in the same order, so none of them fails; afterwards each survivor holds both accounts' points.
 */
class MergeWhileSellingTest extends IntegrationTest {

    @Autowired Members members;
    @Autowired Checkout checkout;
    @Autowired PointAdjustments adjustments;
    @Autowired Ledger ledger;
    @Autowired Stores stores;
    @Autowired JdbcClient jdbc;

    @Test
    void mergesAndSalesForTheSamePeopleNeitherDeadlockNorLosePoints() throws Exception {
        var demo = stores.findByCode("DEMO").orElseThrow();
        Caller.Till till = new Caller.Till(stores.tills(demo.id()).getFirst().id(), demo.id().value(), "merge-test");
        int pairs = 8;
        List<Members.Enrolment> survivors = new ArrayList<>();
        List<Members.Enrolment> duplicates = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            survivors.add(enrol());
            duplicates.add(enrol());
            adjustments.adjust(survivors.get(i).member().id(), 100, "start", "m-s-" + i + "-" + System.nanoTime());
            adjustments.adjust(duplicates.get(i).member().id(), 50, "start", "m-d-" + i + "-" + System.nanoTime());
        }
        List<Callable<Object>> work = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            int pair = i;
            work.add(() -> members.merge(survivors.get(pair).member().id(), duplicates.get(pair).member().id()));
            for (Members.Enrolment buyer : List.of(survivors.get(i), duplicates.get(i))) {
                work.add(() -> checkout.commit(till, new PurchaseRequest("MW-" + buyer.member().id() + "-" + System.nanoTime(),
                        null, new PurchaseRequest.MemberRef(buyer.card().value(), null),
                        List.of(new PurchaseRequest.Line("1", null, null, "home", null, BigDecimal.ONE, new BigDecimal("100.00"))),
                        List.of(), 0L)));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (Future<Object> f : pool.invokeAll(work)) {
                f.get(); // any exception (a deadlock, a lock timeout) fails the test here
            }
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < pairs; i++) {
            var account = ledger.account(survivors.get(i).member().id(), OffsetDateTime.now());
            assertThat(account.available()).as("pair " + i).isEqualTo(150);
            assertThat(account.pending()).as("pair " + i + ": both sales earned 10 points").isEqualTo(20);
            assertThat(ledger.account(duplicates.get(i).member().id(), OffsetDateTime.now()).balance()).isZero();
        }
        new LedgerInvariants(jdbc).check("after merges during sales");
    }

    private Members.Enrolment enrol() {
        return members.enrol(new MemberDetails(null, null, null, TestData.email(), "Twin", null, null, "en", null, false, null),
                EnrolmentChannel.ADMIN, null);
    }
}
