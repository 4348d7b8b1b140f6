package io.patron.security.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.core.context.DeferredSecurityContext;

/**
 * A session's sign-in, checked again against the database on every request. A session outlives
 * nothing it was opened with: when the user was disabled, lost a role, changed the password (the
 * stored session version moved on), or the member was blocked, merged or erased, the session is
 * signed out at its next request. {@code recheck} answers the authentication to continue with, or
 * empty to sign out.
 */
final class RecheckedContexts implements SecurityContextRepository {

    private final HttpSessionSecurityContextRepository sessions;
    private final String sessionKey;
    private final Function<Authentication, Optional<Authentication>> recheck;
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    RecheckedContexts(HttpSessionSecurityContextRepository sessions, String sessionKey,
                      Function<Authentication, Optional<Authentication>> recheck) {
        this.sessions = sessions;
        this.sessionKey = sessionKey;
        this.recheck = recheck;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SecurityContext loadContext(HttpRequestResponseHolder holder) {
        return checked(holder.getRequest(), sessions.loadContext(holder));
    }

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
        DeferredSecurityContext stored = sessions.loadDeferredContext(request);
        return new DeferredSecurityContext() {
            private SecurityContext context;

            @Override
            public SecurityContext get() {
                if (context == null) {
                    try {
                        context = stored.isGenerated() ? stored.get() : checked(request, stored.get());
                    } catch (RuntimeException unreadable) {
                        // A sign-in stored by an older version of Patron that this one cannot read: signed out.
                        signOut(request);
                        context = holder.createEmptyContext();
                    }
                }
                return context;
            }

            @Override
            public boolean isGenerated() {
                return stored.isGenerated() || get().getAuthentication() == null;
            }
        };
    }

    private SecurityContext checked(HttpServletRequest request, SecurityContext stored) {
        Authentication authentication = stored.getAuthentication();
        if (authentication == null) {
            return stored;
        }
        Optional<Authentication> current = recheck.apply(authentication);
        if (current.isPresent()) {
            if (current.get() == authentication) {
                return stored;
            }
            SecurityContext refreshed = holder.createEmptyContext();
            refreshed.setAuthentication(current.get());
            return refreshed;
        }
        signOut(request);
        return holder.createEmptyContext();
    }

    private void signOut(HttpServletRequest request) {
        var session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(sessionKey);
        }
    }

    @Override
    public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
        sessions.saveContext(context, request, response);
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
        return sessions.containsContext(request);
    }
}
