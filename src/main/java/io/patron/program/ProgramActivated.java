package io.patron.program;

/** A programme version became the one that prices sales (published in the activating transaction). */
public record ProgramActivated(int version, String timeZone) {
}
