package io.patron.stores;

import java.time.OffsetDateTime;

/** A till (POS terminal) of a store. Its API key is stored only as a hash; {@code keyHint} tells keys apart. */
@io.swagger.v3.oas.annotations.media.Schema(name = "Till")
public record Till(long id, StoreId storeId, String name, String keyHint, OffsetDateTime createdAt,
                   OffsetDateTime rotatedAt, OffsetDateTime revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
