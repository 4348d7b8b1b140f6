package io.patron.program;

/** A programme version that prices purchases: its number and its document. */
public record ActiveProgram(int version, ProgramDefinition definition) {
}
