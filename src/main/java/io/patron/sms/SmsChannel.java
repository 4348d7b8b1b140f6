package io.patron.sms;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.sms.internal.SmsOutbox;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Queues text messages in the outbox, in the caller's transaction: a message exists exactly when what
 * caused it was committed. With a provider configured ({@code patron.sms.provider}: {@code smpp} or
 * {@code http}) the sender hands it over after the commit with retries; without one it is captured for
 * the admin's SMS page. A marketing message needs the member's SMS consent; every message counts
 * against the member's limit per hour; the parts and their cost are counted when it is queued.
 */
@Service
public class SmsChannel {

    /** What became of a message handed to {@link #queue}. */
    public record Queued(long id, SmsMessage.Status status, String reason) {
        public boolean refused() {
            return status == SmsMessage.Status.REFUSED;
        }
    }

    private final SmsOutbox outbox;
    private final Members members;
    private final ObjectProvider<SmsProvider> provider;
    private final Clock clock;
    private final BigDecimal costPerPart;
    private final int perMemberPerHour;
    private final MeterRegistry meters;
    private final Counter parts;

    SmsChannel(SmsOutbox outbox, Members members, ObjectProvider<SmsProvider> provider, Clock clock, MeterRegistry meters,
               @Value("${patron.sms.cost-per-part:0}") BigDecimal costPerPart,
               @Value("${patron.sms.per-member-per-hour:10}") int perMemberPerHour) {
        this.outbox = outbox;
        this.members = members;
        this.provider = provider;
        this.clock = clock;
        this.costPerPart = costPerPart;
        this.perMemberPerHour = perMemberPerHour;
        this.meters = meters;
        this.parts = Counter.builder("patron.sms.parts").description("SMS parts queued to be sent (each is billed)").register(meters);
    }

    /** Whether a provider is configured (else messages are captured, not sent). */
    public boolean enabled() {
        return provider.getIfAvailable() != null;
    }

    /** Whether a member can get a text message of this kind: a phone, and consent for marketing. */
    public static boolean reachable(Member member, boolean marketing) {
        return member.phone() != null && (!marketing || member.smsConsent().granted());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Queued queue(Sms sms) {
        if (sms.text() == null || sms.text().isBlank() || sms.text().length() > Sms.TEXT_MAX) {
            throw new IllegalArgumentException("an SMS text must have 1 to " + Sms.TEXT_MAX + " characters");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        SmsText.Segments segments = SmsText.segments(sms.delivered());
        String refusal = refusal(sms, segments, now);
        SmsMessage.Status status = refusal != null ? SmsMessage.Status.REFUSED
                : enabled() ? SmsMessage.Status.PENDING : SmsMessage.Status.CAPTURED;
        BigDecimal cost = status == SmsMessage.Status.PENDING ? costPerPart.multiply(BigDecimal.valueOf(segments.parts())) : BigDecimal.ZERO;
        long id = outbox.insert(sms, segments, cost, status, refusal, now);
        meters.counter("patron.sms.messages", "status", status.name(), "kind", sms.kind()).increment();
        if (status == SmsMessage.Status.PENDING) {
            parts.increment(segments.parts());
        }
        return new Queued(id, status, refusal);
    }

    private String refusal(Sms sms, SmsText.Segments segments, OffsetDateTime now) {
        if (segments.parts() > SmsText.MAX_PARTS) {
            return "longer than " + SmsText.MAX_PARTS + " parts";
        }
        if (sms.member() != null) {
            Optional<Member> member = members.find(sms.member());
            if (sms.marketing() && member.map(m -> !m.smsConsent().granted()).orElse(true)) {
                return "NO_CONSENT";
            }
            if (outbox.toMemberSince(sms.member().value(), now.minusHours(1)) >= perMemberPerHour) {
                return "MEMBER_RATE_LIMIT";
            }
        } else if (sms.marketing()) {
            return "NO_CONSENT";
        }
        return null;
    }

    /** A provider's delivery report; answers whether it matched a message. */
    @Transactional
    public boolean report(SmsDeliveryReport report) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        boolean matched = outbox.report(report.provider(), report.providerId(), report.delivered(), report.detail(), now);
        if (!matched) {
            // The message may be being marked sent at this very moment: the sender matches it shortly.
            outbox.keepWaiting(report.provider(), report.providerId(), report.delivered(), report.detail(), now);
        }
        meters.counter("patron.sms.reports", "delivered", String.valueOf(report.delivered()), "matched", String.valueOf(matched)).increment();
        return matched;
    }

    public Page<SmsMessage> outbox(PageRequest page, String recipient) {
        return outbox.page(page, recipient == null || recipient.isBlank() ? null : recipient.trim());
    }

    public List<SmsMessage> forMember(MemberId member, int limit) {
        return outbox.forMember(member.value(), Math.min(limit, 500));
    }

    public SmsMessage message(long id) {
        return outbox.find(id).orElseThrow(() -> ProblemException.notFound("SMS_NOT_FOUND", "No such text message."));
    }

    /** Messages, parts and cost by status over the last {@code days}. */
    public List<Spend> spend(int days) {
        return outbox.spend(OffsetDateTime.now(clock).minusDays(days)).stream()
                .map(r -> new Spend(SmsMessage.Status.valueOf((String) r[0]), (Long) r[1], (Long) r[2], (BigDecimal) r[3])).toList();
    }

    public record Spend(SmsMessage.Status status, long messages, long parts, BigDecimal cost) {
    }

    public BigDecimal costPerPart() {
        return costPerPart;
    }
}
