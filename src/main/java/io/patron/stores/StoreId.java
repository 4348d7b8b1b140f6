package io.patron.stores;

/** Identifies a store of the chain. */
public record StoreId(long value) {

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
