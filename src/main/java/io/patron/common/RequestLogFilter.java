package io.patron.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id (kept from a sane {@code X-Request-Id} or made up), puts it in the log
 * context and the response, and writes one structured line per request: method, path, status,
 * duration and caller. Query strings are left out because they may carry personal data, and the
 * tokens of signed links in paths are masked.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLogFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger("patron.requests");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Paths that carry a signed token of their own: whoever reads the log must not be able to use it. */
    private static final Pattern TOKEN_PATH = Pattern.compile("^(/mail/unsubscribe|/mail/preferences|/feedback/t)/[^/]+");

    /** The path as logged: a signed link's token replaced by "…". */
    static String loggedPath(String path) {
        return TOKEN_PATH.matcher(path).replaceFirst("$1/\u2026");
    }

    static final String CALLER_ATTRIBUTE = RequestLogFilter.class.getName() + ".caller";

    /** Security clears its context before this outer filter logs, so the caller is noted on the way in. */
    private static Object caller(HttpServletRequest request) {
        Object caller = request.getAttribute(CALLER_ATTRIBUTE);
        return caller == null ? "anonymous" : caller;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String requestId = request.getHeader("X-Request-Id");
        if (requestId == null || !SANE_ID.matcher(requestId).matches()) {
            requestId = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        }
        long started = System.nanoTime();
        MDC.put("requestId", requestId);
        response.setHeader("X-Request-Id", requestId);
        try {
            chain.doFilter(request, response);
        } finally {
            if (log.isInfoEnabled() && !request.getRequestURI().startsWith("/webjars/")) {
                long micros = (System.nanoTime() - started) / 1000;
                log.info("request method={} path={} status={} durationMs={} caller={} requestId={}",
                        request.getMethod(), loggedPath(request.getRequestURI()), response.getStatus(),
                        String.format("%.1f", micros / 1000.0), caller(request), requestId);
            }
            MDC.remove("requestId");
        }
    }
}
