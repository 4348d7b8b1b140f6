package io.patron.members.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.patron.members.Card;
import io.patron.members.Member;
import io.patron.members.MemberCategory;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/** A member as the API shows it. Tills get the identification subset only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record MemberResponse(long id, String cardNumber, @io.swagger.v3.oas.annotations.media.Schema(implementation = io.patron.members.MemberStatus.class) String status,
                      String externalId, String phone, String email,
                      String firstName, String lastName, LocalDate birthDate, @io.swagger.v3.oas.annotations.media.Schema(allowableValues = {"en", "ru", "ro", "hy"}) String language,
                      Set<MemberCategory> categories, ConsentView consents, String referralCode, Long referredBy,
                      Long mergedInto, List<CardView> cards, OffsetDateTime createdAt) {

    static MemberResponse of(Member m, List<Card> cards) {
        return new MemberResponse(m.id().value(), primary(cards), m.status().name(), m.externalId(), m.phone(),
                m.email(), m.firstName(), m.lastName(), m.birthDate(), m.language().name(), m.categories(),
                new ConsentView(m.emailConsent().granted(), m.emailConsent().changedAt(),
                        m.emailConsent().source() == null ? null : m.emailConsent().source().name(),
                        m.smsConsent().granted(), m.smsConsent().changedAt(),
                        m.smsConsent().source() == null ? null : m.smsConsent().source().name()),
                m.referralCode(), m.referredBy() == null ? null : m.referredBy().value(),
                m.mergedInto() == null ? null : m.mergedInto().value(),
                cards.stream().map(CardView::of).toList(), m.createdAt());
    }

    /**
     * What a till needs to serve the member in front of it: the id for the account, the first name to
     * greet, the language and the privileged categories. Not how to reach them, not their birth date,
     * other cards or referral code.
     */
    static MemberResponse forTill(Member m, List<Card> cards) {
        return new MemberResponse(m.id().value(), primary(cards), m.status().name(), null, null, null,
                m.firstName(), null, null, m.language().name(), m.categories(), null,
                null, null, m.mergedInto() == null ? null : m.mergedInto().value(), null, null);
    }

    static MemberResponse summary(Member m, String cardNumber) {
        return new MemberResponse(m.id().value(), cardNumber, m.status().name(), m.externalId(), m.phone(), m.email(),
                m.firstName(), m.lastName(), m.birthDate(), m.language().name(), m.categories(), null,
                m.referralCode(), null, m.mergedInto() == null ? null : m.mergedInto().value(), null, m.createdAt());
    }

    private static String primary(List<Card> cards) {
        return cards.stream().filter(Card::active).findFirst().or(() -> cards.stream().findFirst())
                .map(c -> c.number().value()).orElse(null);
    }

    record ConsentView(boolean emailMarketing, OffsetDateTime changedAt, String source, boolean smsMarketing,
                       OffsetDateTime smsChangedAt, String smsSource) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CardView(String cardNumber, String status, OffsetDateTime issuedAt, OffsetDateTime blockedAt,
                    String blockReason) {
        static CardView of(Card c) {
            return new CardView(c.number().value(), c.status().name(), c.issuedAt(), c.blockedAt(), c.blockReason());
        }
    }
}
