package io.patron.members.internal;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.patron.common.Language;
import io.patron.common.Validation;
import io.patron.members.CardNumber;
import io.patron.members.MemberCategory;
import io.patron.members.MemberDetails;
import java.time.Clock;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Checks and normalises member fields the same way for every channel (API, admin form, portal, CSV):
 * phones become E.164 using the configured default country, e-mails lower case, names trimmed.
 */
@Component
public class MemberRules {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\p{Alnum}._:/-]{1,64}");
    private static final LocalDate OLDEST_BIRTH_DATE = LocalDate.of(1900, 1, 1);
    private static final int CATEGORIES_MAX = MemberCategory.values().length;

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final String defaultRegion;
    private final Clock clock;

    public MemberRules(@Value("${patron.default-phone-region:RU}") String defaultRegion, Clock clock) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
        this.clock = clock;
    }

    /** The normalised fields, or the violations collected into {@code v}. */
    public Normalised normalise(MemberDetails d, Validation v) {
        String card = null;
        if (present(d.cardNumber())) {
            card = CardNumber.parse(d.cardNumber()).map(CardNumber::value).orElse(null);
            if (card == null) {
                v.reject("cardNumber", "must be 13 digits with a valid EAN-13 check digit");
            }
        }
        String externalId = null;
        if (present(d.externalId())) {
            externalId = d.externalId().trim();
            if (!EXTERNAL_ID.matcher(externalId).matches()) {
                v.reject("externalId", "1 to 64 letters, digits or . _ : / -");
            }
        }
        String phone = present(d.phone()) ? phone(d.phone(), v) : null;
        String email = present(d.email()) ? email(d.email(), v) : null;
        String firstName = name("firstName", d.firstName(), v);
        String lastName = name("lastName", d.lastName(), v);
        LocalDate birthDate = d.birthDate();
        if (birthDate != null && (birthDate.isBefore(OLDEST_BIRTH_DATE) || birthDate.isAfter(LocalDate.now(clock)))) {
            v.reject("birthDate", "must be a past date after 1900-01-01");
        }
        Language language = Language.en;
        if (present(d.language())) {
            language = Language.parse(d.language()).orElse(null);
            if (language == null) {
                v.reject("language", "must be one of en, ru, ro, hy");
                language = Language.en;
            }
        }
        Set<MemberCategory> categories = categories(d.categories(), v);
        String referralCode = present(d.referralCode()) ? d.referralCode().trim().toUpperCase(Locale.ROOT) : null;
        if (referralCode != null && referralCode.length() > 16) {
            v.reject("referralCode", "at most 16 characters");
        }
        return new Normalised(card, externalId, phone, email, firstName, lastName, birthDate, language,
                categories, Boolean.TRUE.equals(d.emailMarketing()), referralCode);
    }

    public String phone(String raw, Validation v) {
        if (raw.length() > MemberDetails.PHONE_MAX) {
            v.reject("phone", "at most " + MemberDetails.PHONE_MAX + " characters");
            return null;
        }
        try {
            Phonenumber.PhoneNumber parsed = phones.parse(raw.trim(), defaultRegion);
            if (!phones.isValidNumber(parsed)) {
                v.reject("phone", "is not a valid phone number");
                return null;
            }
            return phones.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            v.reject("phone", "is not a phone number");
            return null;
        }
    }

    /** The E.164 form of a phone typed in a search box, or null when it is not a phone. */
    public String phoneOrNull(String raw) {
        Validation ignored = new Validation();
        return raw.length() > MemberDetails.PHONE_MAX ? null : phone(raw, ignored);
    }

    public String email(String raw, Validation v) {
        String email = raw.trim().toLowerCase(Locale.ROOT);
        if (email.length() > MemberDetails.EMAIL_MAX || !EMAIL.matcher(email).matches()) {
            v.reject("email", "is not a valid e-mail address");
            return null;
        }
        return email;
    }

    private static String name(String field, String raw, Validation v) {
        if (!present(raw)) {
            return null;
        }
        String name = raw.strip().replaceAll("\\s+", " ");
        if (name.length() > MemberDetails.NAME_MAX) {
            v.reject(field, "at most " + MemberDetails.NAME_MAX + " characters");
            return null;
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            v.reject(field, "must not contain control characters");
            return null;
        }
        return name;
    }

    private static Set<MemberCategory> categories(List<String> raw, Validation v) {
        Set<MemberCategory> categories = EnumSet.noneOf(MemberCategory.class);
        if (raw == null) {
            return categories;
        }
        if (raw.size() > CATEGORIES_MAX) {
            v.reject("categories", "at most " + CATEGORIES_MAX + " categories");
            return categories;
        }
        for (String name : raw) {
            try {
                categories.add(MemberCategory.valueOf(name == null ? "" : name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                v.reject("categories", "unknown category '" + truncate(name) + "'; known: PENSIONER, STUDENT, DISABLED, LARGE_FAMILY, VETERAN");
            }
        }
        return categories;
    }

    private static String truncate(String s) {
        return s == null ? "null" : s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }

    static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    /** Member fields after normalisation; only fields that passed their checks are set. */
    public record Normalised(String cardNumber, String externalId, String phone, String email, String firstName,
                             String lastName, LocalDate birthDate, Language language, Set<MemberCategory> categories,
                             boolean emailMarketing, String referralCode) {

        public String searchName() {
            return search(firstName, lastName);
        }

        public String searchNameReversed() {
            return search(lastName, firstName);
        }

        static String search(String a, String b) {
            String joined = fold(((a == null ? "" : a) + " " + (b == null ? "" : b)).trim());
            return joined.isEmpty() ? null : joined;
        }
    }

    /**
     * A name as the admin's search compares it: lower case without diacritics ("Țurcanu" → "turcanu",
     * "Ёлкин" → "елкин"), so support finds a member however the name was typed.
     */
    public static String fold(String text) {
        String decomposed = java.text.Normalizer.normalize(text.toLowerCase(Locale.ROOT), java.text.Normalizer.Form.NFD);
        return decomposed.replaceAll("\\p{M}+", "").replace('ı', 'i').replace('ß', 's');
    }
}
