package io.patron.sms.internal;

import io.patron.sms.SmsMessage;
import io.patron.sms.SmsProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands PENDING text messages to the configured provider. Each batch is locked with SKIP LOCKED inside
 * a transaction, so several Patron instances never send the same message twice; a failure is retried
 * with exponential back-off (from 15 s) and given up after {@value #ATTEMPTS_MAX} attempts; at most
 * {@code patron.sms.max-per-minute} messages go out in any minute across instances.
 */
@Component
class SmsSender {

    private static final Logger log = LoggerFactory.getLogger(SmsSender.class);
    static final int ATTEMPTS_MAX = 8;
    private static final int BATCH = 20;

    private final SmsOutbox outbox;
    private final ObjectProvider<SmsProvider> provider;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int perMinute;
    private final Duration firstRetry;

    SmsSender(SmsOutbox outbox, ObjectProvider<SmsProvider> provider, TransactionTemplate transactions, Clock clock,
              @Value("${patron.sms.max-per-minute:300}") int perMinute,
              @Value("${patron.sms.first-retry-millis:15000}") long firstRetryMillis) {
        this.firstRetry = Duration.ofMillis(firstRetryMillis);
        this.outbox = outbox;
        this.provider = provider;
        this.transactions = transactions;
        this.clock = clock;
        this.perMinute = Math.max(1, perMinute);
    }

    @Scheduled(fixedDelayString = "${patron.sms.poll-millis:1000}")
    void sendDue() {
        SmsProvider sms = provider.getIfAvailable();
        if (sms == null) {
            return;
        }
        transactions.executeWithoutResult(status -> outbox.applyWaiting(OffsetDateTime.now(clock)));
        int sent;
        do {
            OffsetDateTime now = OffsetDateTime.now(clock);
            long room = perMinute - outbox.sentBetween(now.minusMinutes(1), now.plusSeconds(1));
            if (room <= 0) {
                return;
            }
            int batch = (int) Math.min(BATCH, room);
            sent = transactions.execute(status -> sendBatch(sms, batch));
        } while (sent > 0);
    }

    private int sendBatch(SmsProvider sms, int limit) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<SmsMessage> due = outbox.lockDue(now, limit);
        for (SmsMessage message : due) {
            try {
                String id = sms.send(message.recipient(), message.delivered());
                outbox.markSent(message.id(), sms.name(), id, OffsetDateTime.now(clock));
            } catch (Exception e) {
                int attempt = message.attempts() + 1;
                boolean giveUp = attempt >= ATTEMPTS_MAX;
                OffsetDateTime next = now.plus(firstRetry.multipliedBy(1L << Math.min(attempt - 1, 10)));
                log.warn("Sending SMS {} failed (attempt {}{}): {}", message.id(), attempt, giveUp ? ", giving up" : "", e.toString());
                outbox.markFailed(message.id(), e.toString(), next, giveUp);
            }
        }
        return due.size();
    }
}
