package io.patron.checkout;

import java.time.OffsetDateTime;

/**
 * A back-test: the {@code candidate} programme version run over the recorded purchases of a period
 * (optionally of one store) beside the {@code baseline} version. {@code result} is the JSON of both
 * programmes' figures once it is DONE.
 */
public record Backtest(long id, Status status, int candidateVersion, int baselineVersion, OffsetDateTime from,
                       OffsetDateTime to, Long storeId, String createdBy, OffsetDateTime createdAt, OffsetDateTime startedAt,
                       OffsetDateTime finishedAt, long receiptsTotal, long receiptsDone, String error, String result) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "BacktestStatus")
    public enum Status {
        QUEUED, RUNNING, DONE, CANCELLED, FAILED;

        public boolean finished() {
            return this == DONE || this == CANCELLED || this == FAILED;
        }
    }

    public int percent() {
        if (status == Status.DONE) {
            return 100;
        }
        return receiptsTotal == 0 ? 0 : (int) Math.min(99, receiptsDone * 100 / receiptsTotal);
    }
}
