package io.patron.members;

import io.patron.audit.AuditLog;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.members.internal.MemberRepository;
import io.patron.members.internal.MemberRules;
import io.patron.members.internal.MemberSearch;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The members of the programme and their cards: enrolment from every channel, lookup by any
 * identifier, updates, blocking, lost-card reissue, merging duplicates and GDPR export and erasure.
 */
@Service
public class Members {

    private static final int REFERRAL_CODE_LENGTH = 8;
    private static final int CARD_ATTEMPTS_MAX = 5;

    private final MemberRepository repository;
    private final MemberRules rules;
    private final MemberSearch search;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final io.patron.events.Events durableEvents;
    private final List<PersonalData> personalData;
    private final Clock clock;

    /** A member was enrolled (the durable event, for what reacts after the commit). */
    public static final String MEMBER_ENROLLED = "member.enrolled";
    public static final String MEMBER_UPDATED = "member.updated";
    public static final String MEMBER_MERGED = "member.merged";
    public static final String MEMBER_ERASED = "member.erased";
    public static final String CONSENT_CHANGED = "consent.changed";

    Members(MemberRepository repository, MemberRules rules, MemberSearch search, AuditLog audit,
            ApplicationEventPublisher events, io.patron.events.Events durableEvents, List<PersonalData> personalData, Clock clock) {
        this.durableEvents = durableEvents;
        this.repository = repository;
        this.rules = rules;
        this.search = search;
        this.audit = audit;
        this.events = events;
        this.personalData = personalData;
        this.clock = clock;
    }

    /**
     * Enrols a member; a card is generated unless a (printed) number is given. Every uniqueness check
     * is one query, so that an enrolment at the till costs a handful of round trips; the unique
     * constraints still decide a race between two enrolments at the same moment.
     */
    @Transactional
    public Enrolment enrol(MemberDetails details, EnrolmentChannel channel, Long storeId) {
        Validation v = new Validation();
        MemberRules.Normalised fields = rules.normalise(details, v);
        v.throwIfInvalid();
        Long referredBy = null;
        if (fields.referralCode() != null) {
            referredBy = repository.idBy("referral_code", fields.referralCode()).map(MemberId::value)
                    .orElseThrow(() -> ProblemException.invalid("referralCode", "no member has this referral code"));
        }
        long[] ids = repository.nextMemberIdAndCardSequence();
        MemberId id = new MemberId(ids[0]);
        CardNumber card = fields.cardNumber() != null ? new CardNumber(fields.cardNumber()) : CardNumber.generated(ids[1]);
        String referralCode = Secrets.random(REFERRAL_CODE_LENGTH).toUpperCase();
        Set<String> taken = repository.taken(fields.email(), fields.phone(), fields.externalId(), fields.cardNumber(),
                fields.cardNumber() == null ? card.value() : null, referralCode);
        conflictIf(taken, "email", "EMAIL_TAKEN", "Another member has this e-mail address.", "email");
        conflictIf(taken, "phone", "PHONE_TAKEN", "Another member has this phone number.", "phone");
        conflictIf(taken, "externalId", "EXTERNAL_ID_TAKEN", "Another member has this external id.", "externalId");
        conflictIf(taken, "card", "CARD_TAKEN", "This card number is already issued.", "cardNumber");
        if (taken.contains("generatedCard")) {
            // A printed card registered earlier uses a number of the generated range: take the next one.
            card = newCardNumber();
        }
        if (taken.contains("referralCode")) {
            referralCode = newReferralCode();
        }
        OffsetDateTime now = now();
        repository.insert(new MemberRepository.NewMember(id.value(), fields, referralCode, referredBy, storeId, channel, now));
        repository.insertCard(card.value(), id, now);
        Member member = new Member(id, MemberStatus.ACTIVE, fields.externalId(), fields.phone(), fields.email(),
                fields.firstName(), fields.lastName(), fields.birthDate(), fields.language(), fields.categories(),
                fields.emailMarketing() ? new EmailConsent(true, now, channel) : EmailConsent.none(),
                Boolean.TRUE.equals(details.smsMarketing()) ? new SmsConsent(true, now, channel) : SmsConsent.none(), referralCode,
                referredBy == null ? null : new MemberId(referredBy), storeId, channel, null, now, now, 0);
        if (member.smsConsent().granted()) {
            repository.setSmsConsent(id, member.smsConsent());
        }
        audit.record("MEMBER_ENROLLED", "member", id, null, member);
        events.publishEvent(new MemberEnrolled(id, channel));
        durableEvents.record(MEMBER_ENROLLED, id.value(), storeId, Map.of("channel", channel.name()), now);
        return new Enrolment(member, card);
    }

    private static void conflictIf(Set<String> taken, String what, String code, String detail, String field) {
        if (taken.contains(what)) {
            throw ProblemException.conflict(code, detail, field);
        }
    }

    public Optional<Member> find(MemberId id) {
        return repository.find(id);
    }

    public Member get(MemberId id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("MEMBER_NOT_FOUND", "No member with id " + id + "."));
    }

    /** The member an id stands for now: itself, or the survivor it was merged into (following a chain of merges). */
    public Member current(MemberId id) {
        Member member = get(id);
        for (int hops = 0; member.status() == MemberStatus.MERGED && member.mergedInto() != null && hops < 10; hops++) {
            member = get(member.mergedInto());
        }
        return member;
    }

    public Optional<Member> findByCard(String cardNumber) {
        return cardWithMember(cardNumber).map(Map.Entry::getValue);
    }

    /** The member of a card together with all of their cards, in one database round trip. */
    public Optional<Map.Entry<Member, List<Card>>> findWithCardsByCard(String cardNumber) {
        return CardNumber.parse(cardNumber).flatMap(c -> repository.findWithCardsByCard(c.value()));
    }

    public Optional<Member> findByPhone(String phone) {
        return Optional.ofNullable(rules.phoneOrNull(phone)).flatMap(p -> repository.idBy("phone", p)).flatMap(repository::find);
    }

    public Optional<Member> findByEmail(String email) {
        String normalised = email == null ? null : rules.email(email, new Validation());
        return Optional.ofNullable(normalised).flatMap(e -> repository.idBy("email", e)).flatMap(repository::find);
    }

    public Optional<Member> findByExternalId(String externalId) {
        return externalId == null ? Optional.empty()
                : repository.idBy("external_id", externalId.trim()).flatMap(repository::find);
    }

    /** A card together with its member, in one database round trip. */
    public Optional<Map.Entry<Card, Member>> cardWithMember(String cardNumber) {
        return CardNumber.parse(cardNumber).flatMap(c -> repository.cardWithMember(c.value()));
    }

    public Optional<Card> card(String cardNumber) {
        return CardNumber.parse(cardNumber).flatMap(c -> repository.card(c.value()));
    }

    public List<Card> cards(MemberId id) {
        return repository.cards(id);
    }

    /** The card a member shows by default: the oldest active one. */
    public Optional<Card> primaryCard(MemberId id) {
        return cards(id).stream().filter(Card::active).findFirst();
    }

    public Map<Long, String> primaryCardNumbers(List<Member> members) {
        return repository.primaryCards(members.stream().map(m -> m.id().value()).toList());
    }

    public long referralCount(MemberId id) {
        return repository.countReferrals(id);
    }

    public Page<Member> search(String query, PageRequest page) {
        return repository.search(search.condition(query), page);
    }

    public long count() {
        return repository.count();
    }

    /** Replaces the profile fields a member or support agent may change; null leaves a field as it is. */
    @Transactional
    public Member update(MemberId id, MemberDetails changes, EnrolmentChannel channel) {
        Member before = changeable(id);
        if (changes.cardNumber() != null || changes.referralCode() != null) {
            throw ProblemException.invalid(changes.cardNumber() != null ? "cardNumber" : "referralCode",
                    "cannot be changed here");
        }
        Validation v = new Validation();
        MemberRules.Normalised f = rules.normalise(changes, v);
        v.throwIfInvalid();
        checkUnique(f, id);
        EmailConsent consent = before.emailConsent();
        if (changes.emailMarketing() != null && changes.emailMarketing() != consent.granted()) {
            consent = new EmailConsent(changes.emailMarketing(), now(), channel);
        }
        SmsConsent sms = before.smsConsent();
        if (changes.smsMarketing() != null && changes.smsMarketing() != sms.granted()) {
            sms = new SmsConsent(changes.smsMarketing(), now(), channel);
        }
        Member after = new Member(id, before.status(),
                pick(changes.externalId(), f.externalId(), before.externalId()),
                pick(changes.phone(), f.phone(), before.phone()),
                pick(changes.email(), f.email(), before.email()),
                pick(changes.firstName(), f.firstName(), before.firstName()),
                pick(changes.lastName(), f.lastName(), before.lastName()),
                changes.birthDate() != null ? f.birthDate() : before.birthDate(),
                changes.language() != null ? f.language() : before.language(),
                changes.categories() != null ? f.categories() : before.categories(),
                consent, sms, before.referralCode(), before.referredBy(), before.enrolledStoreId(), before.channel(),
                before.mergedInto(), before.createdAt(), before.updatedAt(), before.version());
        return save(before, after, "MEMBER_UPDATED");
    }

    /** Records a change of marketing consent with its time and source. */
    @Transactional
    public Member setEmailConsent(MemberId id, boolean granted, EnrolmentChannel source) {
        Member before = changeable(id);
        if (before.emailConsent().granted() == granted) {
            return before;
        }
        Member after = with(before, before.status(), new EmailConsent(granted, now(), source));
        return save(before, after, granted ? "CONSENT_GRANTED" : "CONSENT_WITHDRAWN");
    }

    /** Records a change of consent to marketing text messages with its time and source. */
    @Transactional
    public Member setSmsConsent(MemberId id, boolean granted, EnrolmentChannel source) {
        Member before = changeable(id);
        if (before.smsConsent().granted() == granted) {
            return before;
        }
        Member after = new Member(before.id(), before.status(), before.externalId(), before.phone(), before.email(), before.firstName(),
                before.lastName(), before.birthDate(), before.language(), before.categories(), before.emailConsent(),
                new SmsConsent(granted, now(), source), before.referralCode(), before.referredBy(), before.enrolledStoreId(),
                before.channel(), before.mergedInto(), before.createdAt(), before.updatedAt(), before.version());
        return save(before, after, granted ? "SMS_CONSENT_GRANTED" : "SMS_CONSENT_WITHDRAWN");
    }

    @Transactional
    public Member block(MemberId id, String reason) {
        Member before = changeable(id);
        requireReason(reason);
        if (before.status() == MemberStatus.BLOCKED) {
            return before;
        }
        Member after = save(before, with(before, MemberStatus.BLOCKED, before.emailConsent()), "MEMBER_BLOCKED");
        audit.record("MEMBER_BLOCK_REASON", "member", id, null, Map.of("reason", reason.trim()));
        return after;
    }

    @Transactional
    public Member unblock(MemberId id) {
        Member before = changeable(id);
        if (before.status() == MemberStatus.ACTIVE) {
            return before;
        }
        return save(before, with(before, MemberStatus.ACTIVE, before.emailConsent()), "MEMBER_UNBLOCKED");
    }

    /** Adds another card to a member: a printed number when given, else a generated one. */
    @Transactional
    public Card addCard(MemberId id, String printedNumber) {
        changeable(id);
        CardNumber number = printedNumber == null || printedNumber.isBlank() ? newCardNumber()
                : CardNumber.parse(printedNumber).orElseThrow(() -> ProblemException.invalid("cardNumber",
                        "must be 13 digits with a valid EAN-13 check digit"));
        if (repository.card(number.value()).isPresent()) {
            throw ProblemException.conflict("CARD_TAKEN", "This card number is already issued.", "cardNumber");
        }
        repository.insertCard(number.value(), id, now());
        Card card = repository.card(number.value()).orElseThrow();
        audit.record("CARD_ADDED", "member", id, null, card);
        return card;
    }

    /** A lost or damaged card: the old one is blocked and a new one issued; nothing else changes. */
    @Transactional
    public Card reissueCard(MemberId id, String oldNumber, String printedNumber) {
        changeable(id);
        Card old = card(oldNumber).filter(c -> c.memberId().equals(id))
                .orElseThrow(() -> ProblemException.notFound("CARD_NOT_FOUND", "This member has no such card."));
        if (!old.active()) {
            throw ProblemException.unprocessable("CARD_BLOCKED", "This card is already blocked.");
        }
        Card replacement = addCard(id, printedNumber);
        repository.blockCard(old.id(), "LOST", now());
        audit.record("CARD_REISSUED", "member", id, old, replacement);
        return replacement;
    }

    /**
     * Merges a duplicate into a survivor: cards and referrals move to the survivor, which also takes
     * any contact field it lacks; the duplicate becomes a tombstone pointing to the survivor.
     * Other modules move their history on the {@link MembersMerged} event.
     */
    @Transactional
    public Member merge(MemberId survivorId, MemberId duplicateId) {
        if (survivorId.equals(duplicateId)) {
            throw ProblemException.invalid("duplicateId", "a member cannot be merged into itself");
        }
        events.publishEvent(new MembersMerging(survivorId, duplicateId));
        // Lock both rows in id order so two merges of the same pair cannot deadlock.
        MemberId first = survivorId.value() < duplicateId.value() ? survivorId : duplicateId;
        repository.findForUpdate(first);
        repository.findForUpdate(first.equals(survivorId) ? duplicateId : survivorId);
        Member survivor = changeable(survivorId);
        Member duplicate = changeable(duplicateId);

        Member tombstone = new Member(duplicate.id(), MemberStatus.MERGED, null, null, null, duplicate.firstName(),
                duplicate.lastName(), duplicate.birthDate(), duplicate.language(), duplicate.categories(),
                EmailConsent.none(), SmsConsent.none(), duplicate.referralCode(), duplicate.referredBy(), duplicate.enrolledStoreId(),
                duplicate.channel(), survivor.id(), duplicate.createdAt(), duplicate.updatedAt(), duplicate.version());
        save(duplicate, tombstone, "MEMBER_MERGED_AWAY");

        Set<MemberCategory> categories = EnumSet.noneOf(MemberCategory.class);
        categories.addAll(survivor.categories());
        categories.addAll(duplicate.categories());
        EmailConsent consent = survivor.emailConsent().granted() || !duplicate.emailConsent().granted()
                ? survivor.emailConsent() : duplicate.emailConsent();
        SmsConsent sms = survivor.smsConsent().granted() || !duplicate.smsConsent().granted()
                ? survivor.smsConsent() : duplicate.smsConsent();
        Member merged = new Member(survivor.id(), survivor.status(),
                first(survivor.externalId(), duplicate.externalId()), first(survivor.phone(), duplicate.phone()),
                first(survivor.email(), duplicate.email()), first(survivor.firstName(), duplicate.firstName()),
                first(survivor.lastName(), duplicate.lastName()),
                survivor.birthDate() != null ? survivor.birthDate() : duplicate.birthDate(), survivor.language(),
                categories, consent, sms, survivor.referralCode(),
                survivor.referredBy() != null ? survivor.referredBy() : duplicate.referredBy(),
                survivor.enrolledStoreId(), survivor.channel(), null, survivor.createdAt(), survivor.updatedAt(),
                survivor.version());
        repository.moveCards(duplicate.id(), survivor.id());
        repository.moveReferrals(duplicate.id(), survivor.id());
        Member result = save(survivor, merged, "MEMBER_MERGED");
        events.publishEvent(new MembersMerged(survivor.id(), duplicate.id()));
        durableEvents.record(MEMBER_MERGED, survivor.id().value(), null, Map.of("mergedMemberId", duplicate.id().value()), now());
        return result;
    }

    /** Everything Patron holds about a person, for a GDPR access request. */
    @Transactional(readOnly = true)
    public Map<String, Object> export(MemberId id) {
        Member member = get(id);
        Map<String, Object> export = new LinkedHashMap<>();
        export.put("exportedAt", now());
        export.put("member", member);
        export.put("cards", cards(id));
        export.put("referralsMade", referralCount(id));
        export.put("auditTrail", audit.trail("member", id));
        personalData.forEach(p -> export.put(p.section(), p.export(id)));
        return export;
    }

    /**
     * GDPR erasure: personal fields are removed and the cards blocked; the member row, purchases and
     * ledger stay (anonymous), so the programme's books still balance.
     */
    @Transactional
    public Member erase(MemberId id) {
        Member before = get(id);
        if (before.status() == MemberStatus.ERASED) {
            return before;
        }
        Member erased = new Member(id, MemberStatus.ERASED, null, null, null, null, null, null, before.language(),
                Set.of(), EmailConsent.none(), SmsConsent.none(), before.referralCode(), before.referredBy(), before.enrolledStoreId(),
                before.channel(), before.mergedInto(), before.createdAt(), before.updatedAt(), before.version());
        if (!repository.update(erased, now())) {
            throw concurrentUpdate();
        }
        OffsetDateTime now = now();
        cards(id).stream().filter(Card::active).forEach(c -> repository.blockCard(c.id(), "ERASED", now));
        personalData.forEach(p -> p.erase(id));
        audit.redact("member", id);
        audit.record("MEMBER_ERASED", "member", id, null, null);
        durableEvents.record(MEMBER_ERASED, id.value(), null, Map.of(), now);
        return get(id);
    }

    private Member changeable(MemberId id) {
        Member member = get(id);
        if (!member.changeable()) {
            throw ProblemException.unprocessable("MEMBER_" + member.status().name(),
                    "This member is " + member.status().name().toLowerCase() + " and cannot be changed.");
        }
        return member;
    }

    private Member save(Member before, Member after, String action) {
        if (!repository.update(after, now())) {
            throw concurrentUpdate();
        }
        Member saved = get(after.id());
        audit.record(action, "member", after.id(), before, saved);
        if (!action.startsWith("MEMBER_MERGED")) {
            noteChanges(before, saved);
        }
        return saved;
    }

    /**
     * The durable events of a change (webhooks carry them out): which fields changed — their names,
     * not their values — and each consent given or withdrawn with its source.
     */
    private void noteChanges(Member before, Member after) {
        OffsetDateTime now = now();
        List<String> changed = new ArrayList<>();
        addIf(changed, "status", before.status(), after.status());
        addIf(changed, "externalId", before.externalId(), after.externalId());
        addIf(changed, "phone", before.phone(), after.phone());
        addIf(changed, "email", before.email(), after.email());
        addIf(changed, "firstName", before.firstName(), after.firstName());
        addIf(changed, "lastName", before.lastName(), after.lastName());
        addIf(changed, "birthDate", before.birthDate(), after.birthDate());
        addIf(changed, "language", before.language(), after.language());
        addIf(changed, "categories", before.categories(), after.categories());
        if (!changed.isEmpty()) {
            durableEvents.record(MEMBER_UPDATED, after.id().value(), null, Map.of("changed", changed), now);
        }
        if (before.emailConsent().granted() != after.emailConsent().granted()) {
            durableEvents.record(CONSENT_CHANGED, after.id().value(), null, Map.of("channel", "email", "granted",
                    after.emailConsent().granted(), "source", String.valueOf(after.emailConsent().source())), now);
        }
        if (before.smsConsent().granted() != after.smsConsent().granted()) {
            durableEvents.record(CONSENT_CHANGED, after.id().value(), null, Map.of("channel", "sms", "granted",
                    after.smsConsent().granted(), "source", String.valueOf(after.smsConsent().source())), now);
        }
    }

    private static void addIf(List<String> changed, String field, Object before, Object after) {
        if (!java.util.Objects.equals(before, after)) {
            changed.add(field);
        }
    }

    private void checkUnique(MemberRules.Normalised f, MemberId self) {
        conflictIfTaken(f.email() == null ? Optional.empty() : repository.idBy("email", f.email()), self,
                "EMAIL_TAKEN", "Another member has this e-mail address.", "email");
        conflictIfTaken(f.phone() == null ? Optional.empty() : repository.idBy("phone", f.phone()), self,
                "PHONE_TAKEN", "Another member has this phone number.", "phone");
        conflictIfTaken(f.externalId() == null ? Optional.empty() : repository.idBy("external_id", f.externalId()), self,
                "EXTERNAL_ID_TAKEN", "Another member has this external id.", "externalId");
        if (f.cardNumber() != null && repository.card(f.cardNumber()).isPresent()) {
            throw ProblemException.conflict("CARD_TAKEN", "This card number is already issued.", "cardNumber");
        }
    }

    private static void conflictIfTaken(Optional<MemberId> owner, MemberId self, String code, String detail, String field) {
        if (owner.isPresent() && !owner.get().equals(self)) {
            throw ProblemException.conflict(code, detail, field);
        }
    }

    private CardNumber newCardNumber() {
        for (int attempt = 0; attempt < CARD_ATTEMPTS_MAX; attempt++) {
            CardNumber candidate = CardNumber.generated(repository.nextCardSequence());
            // A printed card registered earlier may already use a number of the generated range.
            if (repository.card(candidate.value()).isEmpty()) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free card number after " + CARD_ATTEMPTS_MAX + " attempts");
    }

    private String newReferralCode() {
        while (true) {
            String code = Secrets.random(REFERRAL_CODE_LENGTH).toUpperCase();
            if (repository.idBy("referral_code", code).isEmpty()) {
                return code;
            }
        }
    }

    private Member with(Member m, MemberStatus status, EmailConsent consent) {
        return new Member(m.id(), status, m.externalId(), m.phone(), m.email(), m.firstName(), m.lastName(),
                m.birthDate(), m.language(), m.categories(), consent, m.smsConsent(), m.referralCode(), m.referredBy(),
                m.enrolledStoreId(), m.channel(), m.mergedInto(), m.createdAt(), m.updatedAt(), m.version());
    }

    private static String pick(String given, String normalised, String current) {
        if (given == null) {
            return current;
        }
        return given.isBlank() ? null : normalised;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 200) {
            throw ProblemException.invalid("reason", "is required, at most 200 characters");
        }
    }

    private static ProblemException concurrentUpdate() {
        return ProblemException.conflict("CONCURRENT_UPDATE", "The member was changed at the same time; reload and retry.", null);
    }

    /** Now, to the microsecond: what the database keeps, so an answer equals a later read. */
    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** A new member with the card number it was given. */
    public record Enrolment(Member member, CardNumber card) {
    }
}
