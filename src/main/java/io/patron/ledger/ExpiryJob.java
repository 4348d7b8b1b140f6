package io.patron.ledger;

import io.patron.members.MemberId;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves points of expired lots to the EXPIRED account, one member per transaction under that
 * member's lock. Until it runs, expired lots already count as unavailable (the ledger derives
 * availability from the expiry date), so the job only settles the books. Safe to run on several
 * instances at once: the second one finds nothing left to expire.
 */
@Component
public class ExpiryJob {

    private static final Logger log = LoggerFactory.getLogger(ExpiryJob.class);
    private static final int MEMBERS_PER_ROUND = 500;

    private final Ledger ledger;
    private final TransactionTemplate transactions;
    private final Clock clock;

    ExpiryJob(Ledger ledger, TransactionTemplate transactions, Clock clock) {
        this.ledger = ledger;
        this.transactions = transactions;
        this.clock = clock;
    }

    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "ledger-expiry", lockAtMostFor = "PT30M")
    @Scheduled(fixedDelayString = "${patron.ledger.expiry-interval-millis:600000}",
            initialDelayString = "${patron.ledger.expiry-initial-delay-millis:30000}")
    public void scheduled() {
        long points = expireDue();
        if (points > 0) {
            log.info("Expired {} points", points);
        }
    }

    /** Expires everything due at the clock's now; returns the points expired. */
    public long expireDue() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        long total = 0;
        List<Long> members;
        do {
            members = ledger.membersWithExpiredLots(now, MEMBERS_PER_ROUND);
            for (long member : members) {
                total += transactions.execute(s -> ledger.expire(new MemberId(member), now));
            }
        } while (members.size() == MEMBERS_PER_ROUND);
        return total;
    }
}
