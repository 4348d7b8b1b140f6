package io.patron.common;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The till's three operations as Prometheus metrics: {@code patron_till_seconds} with the operation
 * (quote, commit, return), the HTTP status and the problem code of a refusal (OK when none) — rates,
 * latency histograms and errors by code. A refusal's code is left in the request by whoever wrote it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class TillMetrics extends OncePerRequestFilter {

    /** The request attribute holding the problem code of the answer, when it is a problem. */
    public static final String PROBLEM_CODE = TillMetrics.class.getName() + ".code";

    private final MeterRegistry meters;

    TillMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return operation(request) == null;
    }

    static String operation(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (!"POST".equals(request.getMethod()) || !path.startsWith("/api/v1/purchases")) {
            return null;
        }
        return path.equals("/api/v1/purchases") ? "commit" : path.equals("/api/v1/purchases/quote") ? "quote"
                : path.endsWith("/returns") ? "return" : null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long started = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            Object code = request.getAttribute(PROBLEM_CODE);
            int status = response.getStatus();
            Timer.builder("patron.till").description("Till quotes, commits and returns").tag("operation", operation(request))
                    .tag("status", Integer.toString(status)).tag("code", code != null ? code.toString() : status < 400 ? "OK" : "HTTP_" + status)
                    .publishPercentileHistogram().register(meters).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
