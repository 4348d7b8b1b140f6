package io.patron.security;

import io.patron.common.Caller;
import io.patron.common.Language;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * Signs members in and out of the portal. A member's session lives under its own session key, so an
 * admin and a member can be signed in side by side in one browser without one replacing the other.
 */
@Component
public class MemberSessions {

    public static final String SESSION_KEY = "PATRON_MEMBER_SECURITY_CONTEXT";

    private final HttpSessionSecurityContextRepository repository = new HttpSessionSecurityContextRepository();

    MemberSessions() {
        repository.setSpringSecurityContextKey(SESSION_KEY);
    }

    /** Where the portal's security filter chain finds a signed-in member. */
    public HttpSessionSecurityContextRepository contextRepository() {
        return repository;
    }

    public void signIn(HttpServletRequest request, HttpServletResponse response, long memberId, Language language) {
        request.getSession(true);
        request.changeSessionId(); // a fresh session id at sign-in defeats session fixation
        Caller.Member member = new Caller.Member(memberId, language);
        var authentication = UsernamePasswordAuthenticationToken.authenticated(member, null,
                List.of(new SimpleGrantedAuthority("ROLE_MEMBER")));
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        repository.saveContext(context, request, response);
    }

    public void signOut(HttpServletRequest request, HttpServletResponse response) {
        var session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(SESSION_KEY);
        }
        SecurityContextHolder.clearContext();
    }
}
