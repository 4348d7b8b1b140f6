package io.patron.program;

/** A difference between two versions of the programme document: a JSON path and its two values. */
public record ProgramChange(String path, String from, String to) {
}
