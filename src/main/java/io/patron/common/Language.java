package io.patron.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The languages Patron speaks in its pages and e-mails. */
public enum Language {
    en, ru, ro, hy;

    public Locale locale() {
        return Locale.forLanguageTag(name());
    }

    public static Optional<Language> parse(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        String normalised = tag.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(l -> l.name().equals(normalised)).findFirst();
    }

    public static Language of(Locale locale) {
        return locale == null ? en : parse(locale.getLanguage()).orElse(en);
    }
}
