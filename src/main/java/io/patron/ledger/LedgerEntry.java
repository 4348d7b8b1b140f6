package io.patron.ledger;

import java.time.OffsetDateTime;

/** One transfer as a member's history shows it: signed for the member, with its reason. */
public record LedgerEntry(long transferId, OffsetDateTime at, TransferCode code, long points, Long purchaseId,
                          Long returnId, Long adjustmentId, String reason) {
}
