package io.patron.checkout;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** Goods coming back: which lines of the purchase and how many of each; idempotent on {@code returnId}. */
public record ReturnRequest(String returnId, OffsetDateTime occurredAt, List<Line> lines) {

    public record Line(String lineId, BigDecimal quantity) {
    }
}
