package io.patron.common;

/** One invalid field of a request: its JSON path (or form field name) and what is wrong with it. */
public record FieldViolation(String field, String message) implements java.io.Serializable {
}
