package io.patron.security.internal;

import io.patron.common.Problems;
import io.patron.common.SignInGuard;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic on the API is a password sign-in like the admin form, so the same {@link SignInGuard}
 * slows guessing down: while a user name and address must wait, Basic requests for it are answered
 * {@code 429 TOO_MANY_SIGN_IN_ATTEMPTS} with {@code Retry-After} before the password is looked at.
 */
class BasicSignInGuard extends OncePerRequestFilter {

    private final SignInGuard guard;

    BasicSignInGuard(SignInGuard guard) {
        this.guard = guard;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        return header == null || !header.regionMatches(true, 0, "Basic ", 0, 6);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String user = "basic:" + username(request.getHeader("Authorization").substring(6).trim());
        String address = request.getRemoteAddr();
        long wait = guard.waitSeconds(user, address);
        if (wait > 0) {
            Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_SIGN_IN_ATTEMPTS",
                    "Too many failed sign-ins; retry after the time in Retry-After.", Map.of("Retry-After", Long.toString(wait)));
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            guard.failed(user, address);
        } else {
            guard.succeeded(user, address);
        }
    }

    private static String username(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String name = colon < 0 ? decoded : decoded.substring(0, colon);
            return name.length() > 100 ? name.substring(0, 100) : name;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
