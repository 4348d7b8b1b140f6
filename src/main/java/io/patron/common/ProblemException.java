package io.patron.common;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A refusal that reaches the client as RFC 9457 problem+json: an HTTP status, a stable machine
 * {@code code}, a human detail and, for invalid input, the offending fields. Business refusals are
 * thrown as this; anything else escaping a controller is a bug and becomes a 500.
 */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final List<FieldViolation> errors;
    private final Map<String, Object> properties;

    public ProblemException(HttpStatus status, String code, String detail,
                            List<FieldViolation> errors, Map<String, Object> properties) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
        this.properties = Map.copyOf(properties);
    }

    public static ProblemException notFound(String code, String detail) {
        return new ProblemException(HttpStatus.NOT_FOUND, code, detail, List.of(), Map.of());
    }

    public static ProblemException conflict(String code, String detail, String field) {
        List<FieldViolation> errors = field == null ? List.of() : List.of(new FieldViolation(field, detail));
        return new ProblemException(HttpStatus.CONFLICT, code, detail, errors, Map.of());
    }

    public static ProblemException unprocessable(String code, String detail) {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, code, detail, List.of(), Map.of());
    }

    /** A refusal of a valid request because of one field's value (points more than available, say). */
    public static ProblemException unprocessable(String code, String detail, String field) {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, code, detail, List.of(new FieldViolation(field, detail)), Map.of());
    }

    public static ProblemException forbidden(String code, String detail) {
        return new ProblemException(HttpStatus.FORBIDDEN, code, detail, List.of(), Map.of());
    }

    /** Too many attempts: a 429 whose {@code Retry-After} header says when to try again. */
    public static ProblemException tooManyRequests(String code, String detail, long retryAfterSeconds) {
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, code, detail, List.of(),
                Map.of(RETRY_AFTER, Math.max(1, retryAfterSeconds)));
    }

    /** The property of a 429 that becomes its {@code Retry-After} header (seconds). */
    public static final String RETRY_AFTER = "retryAfterSeconds";

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldViolation(field, message)));
    }

    public static ProblemException invalid(List<FieldViolation> errors) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED",
                "The request has invalid fields.", errors, Map.of());
    }

    @Override
    public String toString() {
        return "ProblemException[" + status.value() + " " + code + ": " + getMessage()
                + (errors.isEmpty() ? "" : " " + errors) + "]";
    }

    /** The offending fields, or the detail as one field-less violation: what a form shows above itself. */
    public List<FieldViolation> violations() {
        return errors.isEmpty() ? List.of(new FieldViolation("", getMessage())) : errors;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldViolation> errors() {
        return errors;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
