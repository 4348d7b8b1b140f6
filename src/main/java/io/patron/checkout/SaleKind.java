package io.patron.checkout;

/**
 * What kind of write a purchase (or return) row is: a till's sale, a sale of imported history replayed
 * through the programme at its own time, or history imported as it was (no points, no rules).
 */
public enum SaleKind {
    TILL, REPLAY, HISTORY
}
