package io.patron.sms.internal;

import io.patron.members.MemberId;
import io.patron.members.PersonalData;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The text messages sent to a member are personal data: exported on request, redacted on erasure. */
@Component
class SmsPersonalData implements PersonalData {

    private static final int EXPORT_MAX = 1000;

    private final SmsOutbox outbox;

    SmsPersonalData(SmsOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public String section() {
        return "textMessages";
    }

    @Override
    public Object export(MemberId member) {
        return outbox.forMember(member.value(), EXPORT_MAX).stream()
                .map(m -> Map.of("at", String.valueOf(m.sentAt() == null ? m.createdAt() : m.sentAt()), "kind", m.kind(),
                        "to", m.recipient(), "text", m.text(), "status", m.status().name()))
                .toList();
    }

    @Override
    public void erase(MemberId member) {
        outbox.redactMember(member.value());
    }
}
