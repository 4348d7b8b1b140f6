package io.patron.members.web;

import io.patron.common.ProblemException;
import io.patron.members.Member;
import io.patron.members.MemberCategory;
import io.patron.members.MemberDetails;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The admin enrol/edit form as the browser posts it. */
public record MemberForm(String cardNumber, String externalId, String phone, String email, String firstName, String lastName,
                  String birthDate, String language, List<String> categories, Boolean emailMarketing) {

    static MemberForm empty() {
        return new MemberForm("", "", "", "", "", "", "", "en", List.of(), false);
    }

    static MemberForm of(Member m) {
        return new MemberForm("", nz(m.externalId()), nz(m.phone()), nz(m.email()), nz(m.firstName()), nz(m.lastName()),
                m.birthDate() == null ? "" : m.birthDate().toString(), m.language().name(),
                m.categories().stream().map(MemberCategory::name).toList(), m.emailConsent().granted());
    }

    /** For enrolment: blank fields are absent. */
    MemberDetails forEnrolment() {
        return new MemberDetails(blank(cardNumber), blank(externalId), blank(phone), blank(email), blank(firstName),
                blank(lastName), date(), blank(language), categories == null ? List.of() : categories,
                Boolean.TRUE.equals(emailMarketing), null);
    }

    /** For an edit: blank fields clear the value. */
    MemberDetails forUpdate() {
        return new MemberDetails(null, nz(externalId), nz(phone), nz(email), nz(firstName), nz(lastName), date(),
                blank(language), categories == null ? List.of() : categories, Boolean.TRUE.equals(emailMarketing), null);
    }

    public boolean hasCategory(String name) {
        return categories != null && categories.contains(name);
    }

    private LocalDate date() {
        if (birthDate == null || birthDate.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(birthDate.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("birthDate", "use YYYY-MM-DD");
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
