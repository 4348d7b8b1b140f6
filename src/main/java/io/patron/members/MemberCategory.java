package io.patron.members;

/** Privileged categories ("льготники") that rules may give special treatment. */
public enum MemberCategory {
    PENSIONER, STUDENT, DISABLED, LARGE_FAMILY, VETERAN
}
