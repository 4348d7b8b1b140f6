package io.patron.security;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * An API token of an admin user, for scripts. It acts with the roles it was given (never more than
 * its user holds at the time of the call) until it expires or is revoked.
 */
public record AdminToken(long id, long userId, String name, String hint, OffsetDateTime createdAt,
                         OffsetDateTime revokedAt, OffsetDateTime expiresAt, Set<AdminRole> roles) {

    public AdminToken {
        roles = Set.copyOf(roles);
    }

    public boolean active() {
        return revokedAt == null;
    }

    public boolean expiredAt(OffsetDateTime now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
