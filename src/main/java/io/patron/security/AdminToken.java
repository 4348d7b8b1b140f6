package io.patron.security;

import java.time.OffsetDateTime;

/** An API token of an admin user, for scripts; it acts with the user's roles. */
public record AdminToken(long id, long userId, String name, String hint, OffsetDateTime createdAt,
                         OffsetDateTime revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
