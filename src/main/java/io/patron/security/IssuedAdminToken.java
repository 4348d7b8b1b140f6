package io.patron.security;

/** A new admin token with its secret in clear text, shown once. */
public record IssuedAdminToken(AdminToken token, String secret) {
}
