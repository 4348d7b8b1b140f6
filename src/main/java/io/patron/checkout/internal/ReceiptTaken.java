package io.patron.checkout.internal;

/**
 * The store's receipt (or return) id was recorded by a concurrent request while this one was being
 * priced: its work is rolled back and it is answered as a retry of the recorded one.
 */
public final class ReceiptTaken extends RuntimeException {
    public ReceiptTaken() {
        super("receipt recorded meanwhile", null, false, false);
    }
}
