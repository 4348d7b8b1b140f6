package io.patron.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects field violations while a command is checked, so that a client learns about every bad
 * field in one answer instead of one per round trip.
 */
public final class Validation {

    private final List<FieldViolation> violations = new ArrayList<>();

    public Validation reject(String field, String message) {
        violations.add(new FieldViolation(field, message));
        return this;
    }

    public boolean hasErrors() {
        return !violations.isEmpty();
    }

    public List<FieldViolation> violations() {
        return List.copyOf(violations);
    }

    /** Throws a 400 problem listing every violation, if there is any. */
    public void throwIfInvalid() {
        if (hasErrors()) {
            throw ProblemException.invalid(violations());
        }
    }
}
