package io.patron.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.Language;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.springframework.web.servlet.LocaleResolver;

/**
 * Chooses the language of a page: a language the person picked in this browser (the switcher's
 * cookie), else the signed-in admin's or member's profile language, else the browser's preference
 * among en, ru, ro and hy, else English.
 */
class PatronLocaleResolver implements LocaleResolver {

    static final String COOKIE = "patron_lang";

    @Override
    public Locale resolveLocale(HttpServletRequest request) {
        Object chosen = request.getAttribute(COOKIE);
        if (chosen instanceof Language language) {
            return language.locale();
        }
        Optional<Language> fromCookie = request.getCookies() == null ? Optional.empty()
                : Arrays.stream(request.getCookies()).filter(c -> COOKIE.equals(c.getName())).findFirst()
                        .flatMap(c -> Language.parse(c.getValue()));
        if (fromCookie.isPresent()) {
            return fromCookie.get().locale();
        }
        Optional<Language> profile = Callers.current().flatMap(PatronLocaleResolver::profileLanguage);
        if (profile.isPresent()) {
            return profile.get().locale();
        }
        for (var range : java.util.Collections.list(request.getLocales())) {
            Optional<Language> language = Language.parse(range.getLanguage());
            if (language.isPresent()) {
                return language.get().locale();
            }
        }
        return Language.en.locale();
    }

    @Override
    public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        Language language = Language.of(locale);
        request.setAttribute(COOKIE, language);
        if (response != null) {
            Cookie cookie = new Cookie(COOKIE, language.name());
            cookie.setPath("/");
            cookie.setMaxAge(365 * 24 * 3600);
            cookie.setHttpOnly(true);
            cookie.setAttribute("SameSite", "Lax");
            response.addCookie(cookie);
        }
    }

    private static Optional<Language> profileLanguage(Caller caller) {
        return switch (caller) {
            case Caller.Admin admin -> Optional.of(admin.language());
            case Caller.Member member -> Optional.of(member.language());
            default -> Optional.empty();
        };
    }
}
