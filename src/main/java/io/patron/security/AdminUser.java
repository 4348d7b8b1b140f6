package io.patron.security;

import io.patron.common.Language;
import java.time.OffsetDateTime;
import java.util.Set;

/** A person who works in the admin UI or a script acting for them. The password hash never leaves the module. */
public record AdminUser(long id, String username, String displayName, Set<AdminRole> roles, Language language,
                        boolean enabled, OffsetDateTime createdAt) implements java.io.Serializable {

    public AdminUser {
        roles = Set.copyOf(roles);
    }
}
