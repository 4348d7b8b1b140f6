package io.patron.messaging.internal;

import io.patron.members.MemberId;
import io.patron.members.PersonalData;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The e-mails sent to a member are personal data: exported on request, redacted on erasure. */
@Component
class MailPersonalData implements PersonalData {

    private static final int EXPORT_MAX = 1000;

    private final OutboxRepository outbox;

    MailPersonalData(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    @Override
    public String section() {
        return "emails";
    }

    @Override
    public Object export(MemberId member) {
        return outbox.forMember(member.value(), EXPORT_MAX).stream()
                .map(m -> Map.of("sentAt", String.valueOf(m.sentAt() == null ? m.createdAt() : m.sentAt()),
                        "kind", m.kind(), "to", m.recipient(), "subject", m.subject(), "status", m.status().name()))
                .toList();
    }

    @Override
    public void erase(MemberId member) {
        outbox.redactMember(member.value());
    }
}
