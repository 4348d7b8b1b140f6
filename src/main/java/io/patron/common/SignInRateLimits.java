package io.patron.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds the forms that guessing would use: admin and partner sign-in (posts per client address, and
 * failed attempts slowed down by {@link SignInGuard}), the portal's sign-in links (per e-mail address, so nobody's mailbox is flooded, and per
 * address) and sign-up (per address). Beyond a bound the form answers 429 with Retry-After until its
 * window ends. The client address is the request's remote address: behind a reverse proxy, let Patron
 * see the client's (server.forward-headers-strategy).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
class SignInRateLimits extends OncePerRequestFilter {

    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Duration LINK_WINDOW = Duration.ofHours(1);

    private final RateLimits limits;
    private final SignInGuard guard;
    private final org.springframework.context.MessageSource messages;
    private final org.springframework.web.servlet.LocaleResolver locales;
    private final int perAddress;
    private final int linksPerEmail;

    SignInRateLimits(RateLimits limits, SignInGuard guard, org.springframework.context.MessageSource messages,
                     @org.springframework.context.annotation.Lazy org.springframework.web.servlet.LocaleResolver locales,
                     @Value("${patron.security.form-posts-per-address:300}") int perAddress,
                     @Value("${patron.security.links-per-email:5}") int linksPerEmail) {
        this.limits = limits;
        this.guard = guard;
        this.messages = messages;
        this.locales = locales;
        this.perAddress = perAddress;
        this.linksPerEmail = linksPerEmail;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || form(request.getRequestURI()) == null;
    }

    private static String form(String path) {
        return switch (path) {
            case "/login", "/partner/login" -> "sign-in";
            case "/portal/login" -> "link";
            case "/portal/signup" -> "sign-up";
            case "/portal/auth" -> "link-use";
            case "/portal/login/phone" -> "code";
            case "/portal/login/code" -> "code-use";
            default -> null;
        };
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String form = form(request.getRequestURI());
        long wait = limits.attempt("form:" + form, request.getRemoteAddr(), perAddress, WINDOW);
        String user = form.equals("sign-in") && request.getParameter("username") != null
                ? request.getParameter("username").trim().toLowerCase(Locale.ROOT) : null;
        String who = user == null ? null : request.getRequestURI() + ':' + user;
        if (wait == 0 && who != null) {
            wait = guard.waitSeconds(who, request.getRemoteAddr());
        }
        if (wait == 0 && form.equals("link")) {
            String email = request.getParameter("email");
            wait = email == null ? 0 : limits.attempt("link", email.trim().toLowerCase(Locale.ROOT), linksPerEmail, LINK_WINDOW);
        }
        if (wait == 0 && form.equals("code")) {
            String phone = request.getParameter("phone");
            wait = phone == null ? 0 : limits.attempt("code", phone.replaceAll("[^0-9+]", ""), linksPerEmail, LINK_WINDOW);
        }
        if (wait > 0) {
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(wait));
            response.setContentType("text/html;charset=UTF-8");
            java.util.Locale locale = locales.resolveLocale(request);
            String text = org.springframework.web.util.HtmlUtils.htmlEscape(messages.getMessage("security.tooManyAttempts",
                    new Object[] {wait}, locale));
            response.getWriter().write("<!DOCTYPE html><html lang=\"" + locale.getLanguage() + "\"><head><meta charset=\"utf-8\"><title>Patron</title>"
                    + "<link rel=\"stylesheet\" href=\"/css/patron.css\"></head><body><main class=\"narrow\"><h1>429</h1><p id=\"too-many\">"
                    + text + "</p></main></body></html>");
            return;
        }
        chain.doFilter(request, response);
        if (who != null) {
            if (String.valueOf(response.getHeader("Location")).contains("error")) {
                guard.failed(who, request.getRemoteAddr());
            } else {
                guard.succeeded(who, request.getRemoteAddr());
            }
        }
    }
}
