package io.patron.members;

import io.patron.common.Language;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Set;

/**
 * A person in the loyalty programme. Contact fields are normalised (phone in E.164, e-mail in lower
 * case) and unique among members; cards are kept separately because a member may carry several.
 */
public record Member(MemberId id, MemberStatus status, String externalId, String phone, String email,
                     String firstName, String lastName, LocalDate birthDate, Language language,
                     Set<MemberCategory> categories, EmailConsent emailConsent, SmsConsent smsConsent, String referralCode,
                     MemberId referredBy, Long enrolledStoreId, EnrolmentChannel channel, MemberId mergedInto,
                     OffsetDateTime createdAt, OffsetDateTime updatedAt, long version) {

    public Member {
        categories = Set.copyOf(categories);
        smsConsent = smsConsent == null ? SmsConsent.none() : smsConsent;
    }

    public boolean active() {
        return status == MemberStatus.ACTIVE;
    }

    /** Tombstones (merged, erased) can no longer be changed. */
    public boolean changeable() {
        return status == MemberStatus.ACTIVE || status == MemberStatus.BLOCKED;
    }

    public String fullName() {
        String first = firstName == null ? "" : firstName;
        String last = lastName == null ? "" : lastName;
        return (first + " " + last).trim();
    }
}
