package io.patron.stores;

/** A till together with its API key in clear text: shown once, at creation or rotation, never again. */
public record IssuedTillKey(Till till, String key) {
}
