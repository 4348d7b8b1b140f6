package io.patron.partners;

import java.time.OffsetDateTime;

/** A partner's API key as lists show it: the secret itself is stored hashed and shown once. */
public record PartnerKey(long id, long partnerId, String name, String hint, OffsetDateTime createdAt, OffsetDateTime revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
