package io.patron.partners;

import java.time.OffsetDateTime;

/** A person of a partner who reads its statements and activity in the partner portal. */
public record PartnerUser(long id, long partnerId, String username, String displayName, boolean enabled, OffsetDateTime createdAt) {
}
