package io.patron.common;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Reads the caller of the current request from the security context. */
public final class Callers {

    private Callers() {
    }

    public static Optional<Caller> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null) {
            return Optional.empty();
        }
        Object principal = authentication.getPrincipal();
        if (principal instanceof Caller caller) {
            return Optional.of(caller);
        }
        if (principal instanceof Caller.Carrier carrier) {
            return Optional.of(carrier.caller());
        }
        return Optional.empty();
    }

    /** The name written into the audit log for the current request or job. */
    public static String actorName() {
        return current().map(Caller::displayName).orElse("system");
    }

    public static Optional<Caller.Till> till() {
        return current().filter(Caller.Till.class::isInstance).map(Caller.Till.class::cast);
    }

    /** The signed-in member of a portal request; the portal chain admits members only, so anything else is a bug. */
    public static Caller.Member member() {
        return current().filter(Caller.Member.class::isInstance).map(Caller.Member.class::cast)
                .orElseThrow(() -> new IllegalStateException("the portal chain admits members only"));
    }

    /** The partner of a partner API or partner portal request; those doors admit partners only, so anything else is a bug. */
    public static Caller.Partner partner() {
        return current().filter(Caller.Partner.class::isInstance).map(Caller.Partner.class::cast)
                .orElseThrow(() -> new IllegalStateException("the partner API and portal admit partners only"));
    }

    public static Optional<Caller.Admin> admin() {
        return current().filter(Caller.Admin.class::isInstance).map(Caller.Admin.class::cast);
    }
}
