package io.patron.messaging;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.messaging.internal.OutboxRepository;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.util.StringUtils;

/**
 * Queues e-mails in the transactional outbox: a mail exists exactly when the event that caused it
 * was committed. With an SMTP server configured a background sender delivers it with retries;
 * without one (the embedded default) it is captured for the admin Outbox page instead.
 */
@Service
public class Mailer {

    private final OutboxRepository outbox;
    private final boolean smtpEnabled;
    private final Clock clock;

    Mailer(OutboxRepository outbox, @Value("${spring.mail.host:}") String smtpHost, Clock clock) {
        this.outbox = outbox;
        this.smtpEnabled = StringUtils.hasText(smtpHost);
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public long queue(Mail mail) {
        if (mail.subject().length() > Mail.SUBJECT_MAX) {
            throw new IllegalArgumentException("subject too long");
        }
        OutboxEntry.Status status = smtpEnabled ? OutboxEntry.Status.PENDING : OutboxEntry.Status.CAPTURED;
        return outbox.insert(mail, status, OffsetDateTime.now(clock));
    }

    public boolean smtpEnabled() {
        return smtpEnabled;
    }

    public Page<OutboxEntry> outbox(PageRequest page, String recipient) {
        return outbox.page(page, recipient == null || recipient.isBlank() ? null : recipient.trim().toLowerCase());
    }

    /** A member's mails, newest first: the delivery log. */
    public java.util.List<OutboxEntry> forMember(io.patron.members.MemberId member, int limit) {
        return outbox.forMember(member.value(), Math.min(limit, 500));
    }

    public OutboxEntry entry(long id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("MAIL_NOT_FOUND", "No such e-mail."));
    }

    public Optional<OutboxEntry> find(long id) {
        return outbox.find(id);
    }
}
