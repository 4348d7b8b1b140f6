package io.patron.web;

import io.patron.common.Caller;
import io.patron.common.Callers;
import io.patron.common.Secrets;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Puts into every page's model the signed-in admin (for the menu and role-dependent buttons) and the
 * session's htmx trust mark.
 */
@ControllerAdvice(annotations = Controller.class)
class LayoutAdvice {

    private static final HttpSessionCsrfTokenRepository CSRF_TOKENS = new HttpSessionCsrfTokenRepository();

    @ModelAttribute("me")
    Caller.Admin me() {
        return Callers.admin().orElse(null);
    }

    /**
     * The mark every element a template gives {@code hx-*} attributes carries as {@code data-hx-trust};
     * {@code page.js} lets htmx send a request only for an element with the page's mark. Text someone
     * typed is always escaped, so it cannot become markup; should that ever fail, markup that arrives
     * with stored text cannot know the mark, which is a hash of the session's CSRF secret: stable for the
     * session (so fragments htmx swaps in carry the same one), unknown to anybody else.
     */
    @ModelAttribute("hxTrust")
    String hxTrust(HttpServletRequest request) {
        if (request.getSession(false) == null || !(request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token)) {
            return "";
        }
        token.getToken(); // makes sure the session's token exists
        CsrfToken raw = CSRF_TOKENS.loadToken(request);
        return raw == null ? "" : Secrets.sha256("htmx-trust:" + raw.getToken()).substring(0, 32);
    }
}
