package io.patron.security;

/**
 * What an admin user may do. ADMIN runs the installation; MARKETER designs the programme; SUPPORT
 * helps members (enrol, fix, merge, erase); ANALYST reads the numbers.
 */
public enum AdminRole {
    ADMIN, MARKETER, SUPPORT, ANALYST
}
