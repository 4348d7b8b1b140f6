package io.patron.messaging.internal;

import io.patron.messaging.OutboxEntry;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Delivers PENDING outbox mails over SMTP. Each batch is locked with SKIP LOCKED inside a transaction,
 * so several Patron instances never send the same mail twice; a failure is retried with exponential
 * back-off and given up after {@value #ATTEMPTS_MAX} attempts.
 */
@Component
class SmtpSender {

    private static final Logger log = LoggerFactory.getLogger(SmtpSender.class);
    static final int ATTEMPTS_MAX = 8;
    private static final int BATCH = 20;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);

    private final OutboxRepository outbox;
    private final ObjectProvider<JavaMailSender> mailSender;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final boolean enabled;
    private final String from;
    private final int perMinute;

    SmtpSender(OutboxRepository outbox, ObjectProvider<JavaMailSender> mailSender, TransactionTemplate transactions,
               Clock clock, @Value("${spring.mail.host:}") String host, @Value("${patron.mail.from}") String from,
               @Value("${patron.mail.max-per-minute:600}") int perMinute) {
        this.perMinute = Math.max(1, perMinute);
        this.outbox = outbox;
        this.mailSender = mailSender;
        this.transactions = transactions;
        this.clock = clock;
        this.enabled = StringUtils.hasText(host);
        this.from = from;
    }

    @Scheduled(fixedDelayString = "${patron.mail.poll-millis:2000}")
    void sendDue() {
        if (!enabled) {
            return;
        }
        // The throttle: at most perMinute mails in any minute, so a newsletter does not flood the relay.
        int sent;
        do {
            OffsetDateTime now = OffsetDateTime.now(clock);
            long room = perMinute - outbox.sentBetween(now.minusMinutes(1), now.plusSeconds(1));
            if (room <= 0) {
                return;
            }
            int batch = (int) Math.min(BATCH, room);
            sent = transactions.execute(status -> sendBatch(batch));
        } while (sent > 0);
    }

    private int sendBatch(int limit) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<OutboxEntry> due = outbox.lockDue(now, limit);
        JavaMailSender sender = mailSender.getObject();
        for (OutboxEntry mail : due) {
            try {
                MimeMessage message = sender.createMimeMessage();
                MimeMessageHelper helper = new MimeMessageHelper(message, mail.html() != null, "UTF-8");
                helper.setFrom(from);
                helper.setTo(mail.recipient());
                helper.setSubject(mail.subject());
                if (mail.listUnsubscribe() != null) {
                    // RFC 8058: mail clients offer "unsubscribe", which POSTs List-Unsubscribe=One-Click to the URL.
                    message.setHeader("List-Unsubscribe", "<" + mail.listUnsubscribe() + ">");
                    message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
                }
                if (mail.html() != null) {
                    helper.setText(mail.deliveredText(), mail.deliveredHtml());
                } else {
                    helper.setText(mail.deliveredText());
                }
                sender.send(message);
                outbox.markSent(mail.id(), OffsetDateTime.now(clock));
            } catch (Exception e) {
                int attempt = mail.attempts() + 1;
                boolean giveUp = attempt >= ATTEMPTS_MAX;
                OffsetDateTime next = now.plus(FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 10)));
                log.warn("Sending mail {} failed (attempt {}{}): {}", mail.id(), attempt, giveUp ? ", giving up" : "", e.toString());
                outbox.markFailed(mail.id(), e.toString(), next, giveUp);
            }
        }
        return due.size();
    }
}
