package io.patron.stores;

import java.time.OffsetDateTime;
import java.time.ZoneId;

/** A store of the chain. Its time zone decides what "Monday before noon" means for its sales. */
public record Store(StoreId id, String code, String name, ZoneId timeZone, OffsetDateTime createdAt) {
}
