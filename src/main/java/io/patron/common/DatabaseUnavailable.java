package io.patron.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * While the database is out of reach (stopped, restarting, its connections cut), every request that
 * needs it gets a quick 503 with {@code Retry-After} instead of a 500 — wherever the failure surfaces:
 * in a controller, in the security filters that look up an API key, or at commit. Nothing is
 * acknowledged that was not committed, so a till retries and the idempotency of receipts does the rest;
 * the connection pool reconnects by itself when the database is back.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class DatabaseUnavailable extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);
    public static final String RETRY_AFTER_SECONDS = "2";

    /** Whether a failure is the database being out of reach rather than a bug. */
    public static boolean cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // A rollback that failed because the connection was gone hides the first failure here.
            if (t instanceof org.springframework.transaction.TransactionSystemException failed && failed.getApplicationException() != null
                    && cause(failed.getApplicationException())) {
                return true;
            }
            if (t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof TransientDataAccessResourceException || t instanceof RecoverableDataAccessException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof ConnectException
                    || t instanceof java.sql.SQLException s && (s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))
                    // The pool's own word for a connection it evicted because the server went away (no SQL state).
                    || s.getSQLState() == null && "Connection is closed".equals(s.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | RuntimeException e) {
            if (!cause(e) || response.isCommitted()) {
                throw e;
            }
            log.warn("Database unavailable answering {} {}: {}", request.getMethod(), request.getRequestURI(), rootMessage(e));
            response.resetBuffer();
            request.setAttribute(TillMetrics.PROBLEM_CODE, "DATABASE_UNAVAILABLE");
            Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, "DATABASE_UNAVAILABLE",
                    "The service is briefly unavailable; retry in a moment.", java.util.Map.of("Retry-After", RETRY_AFTER_SECONDS));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }
}
