package io.patron.members;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.common.Language;
import io.patron.common.Validation;
import io.patron.members.internal.MemberRules;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberRulesTest {

    private final MemberRules rules = new MemberRules("RU",
            Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));

    private static MemberDetails details(String phone, String email) {
        return new MemberDetails(null, null, phone, email, null, null, null, null, null, null, null);
    }

    @Test
    void russianPhonesInEveryCommonSpellingBecomeE164() {
        for (String spelling : List.of("8 900 123-45-67", "+7 (900) 123 45 67", "89001234567", "9001234567")) {
            Validation v = new Validation();
            assertThat(rules.normalise(details(spelling, null), v).phone()).as(spelling).isEqualTo("+79001234567");
            assertThat(v.hasErrors()).isFalse();
        }
    }

    @Test
    void foreignPhonesKeepTheirCountry() {
        Validation v = new Validation();
        assertThat(rules.normalise(details("+373 22 123456", null), v).phone()).isEqualTo("+37322123456");
    }

    @Test
    void nonsensePhonesAreRejectedWithTheField() {
        Validation v = new Validation();
        rules.normalise(details("12", null), v);
        assertThat(v.violations()).extracting(f -> f.field()).containsExactly("phone");
    }

    @Test
    void emailsAreTrimmedAndLowerCased() {
        Validation v = new Validation();
        assertThat(rules.normalise(details(null, "  Anna.Ivanova@Example.ORG "), v).email()).isEqualTo("anna.ivanova@example.org");
    }

    @Test
    void everyBadFieldIsReportedAtOnce() {
        Validation v = new Validation();
        rules.normalise(new MemberDetails("123", "bad id with spaces", "x", "no-at", "a".repeat(101), null,
                LocalDate.of(2030, 1, 1), "de", List.of("KING"), null, null), v);
        assertThat(v.violations()).extracting(f -> f.field()).containsExactlyInAnyOrder(
                "cardNumber", "externalId", "phone", "email", "firstName", "birthDate", "language", "categories");
    }

    @Test
    void languageAndCategoriesAreParsedLeniently() {
        Validation v = new Validation();
        MemberRules.Normalised n = rules.normalise(new MemberDetails(null, null, null, null, " Anna  Maria ", null, null,
                "RU", List.of("pensioner", "Student"), true, null), v);
        assertThat(v.hasErrors()).isFalse();
        assertThat(n.language()).isEqualTo(Language.ru);
        assertThat(n.categories()).containsExactlyInAnyOrder(MemberCategory.PENSIONER, MemberCategory.STUDENT);
        assertThat(n.firstName()).isEqualTo("Anna Maria");
        assertThat(n.searchName()).isEqualTo("anna maria");
    }
}
