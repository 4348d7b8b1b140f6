package io.patron.till;

import io.patron.till.model.PurchaseResponse;

/**
 * What became of a sale: recorded by Patron (its answer, and whether it was the answer to an earlier
 * attempt), rejected for a reason of its own (a problem code: the till must not send it again as it
 * is), or queued to be sent when Patron can be reached.
 */
public sealed interface Outcome {

    String receiptId();

    record Recorded(String receiptId, PurchaseResponse answer, boolean replayed) implements Outcome {
    }

    record Rejected(String receiptId, int status, String code, String detail) implements Outcome {
    }

    record Queued(String receiptId, String reason) implements Outcome {
    }
}
