package io.patron.security.internal;

import io.patron.common.Caller;
import io.patron.common.Problems;
import io.patron.partners.Partners;
import io.patron.security.AdminUsers;
import io.patron.stores.Stores;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <key>} on the API: a till key (acting for its store), a
 * partner key (acting for its partner, on the partner API only) or an admin API token (acting with its
 * user's roles). A bearer that matches neither is refused at once
 * rather than passed on as anonymous, so a typo in a key never looks like a missing permission.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private static final int KEY_LENGTH_MAX = 200;

    private final Stores stores;
    private final AdminUsers adminUsers;
    private final Partners partners;

    ApiKeyAuthenticationFilter(Stores stores, AdminUsers adminUsers, Partners partners) {
        this.stores = stores;
        this.adminUsers = adminUsers;
        this.partners = partners;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        String key = header.substring(7).trim();
        Optional<Caller> caller = key.isEmpty() || key.length() > KEY_LENGTH_MAX ? Optional.empty() : resolve(key);
        if (caller.isEmpty()) {
            Problems.write(response, HttpStatus.UNAUTHORIZED, "INVALID_API_KEY", "The API key is unknown or revoked.",
                    Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(caller.get(), null,
                authorities(caller.get())));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private Optional<Caller> resolve(String key) {
        if (key.startsWith(AdminUsers.TOKEN_PREFIX)) {
            return adminUsers.authenticateToken(key).map(Caller.class::cast);
        }
        if (key.startsWith(Partners.KEY_PREFIX)) {
            return partners.authenticate(key).map(Caller.class::cast);
        }
        Optional<Caller> till = stores.authenticate(key).map(Caller.class::cast);
        return till.isPresent() ? till : adminUsers.authenticateToken(key).map(Caller.class::cast);
    }

    private static List<GrantedAuthority> authorities(Caller caller) {
        return switch (caller) {
            case Caller.Till t -> List.of(new SimpleGrantedAuthority("ROLE_TILL"));
            case Caller.Admin a -> AdminUserDetails.authorities(a.roles());
            case Caller.Partner p -> List.of(new SimpleGrantedAuthority("ROLE_PARTNER"));
            default -> List.of();
        };
    }
}
