package io.patron.checkout;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What a history import did with every row: each row read is part of a purchase, part of a return,
 * an unmatched return line, or skipped with its reason — nothing is dropped silently. A replay also
 * says what the programme gave: points earned, points taken back by returns, discounts.
 */
public record HistoryReport(HistoryImport.Mode mode, long rowsRead, long purchases, long anonymousPurchases, long purchaseLines,
                            long returns, long returnLines, long unmatchedReturnLines, long membersCreated,
                            long invoicesAlreadyImported, Map<String, Long> skippedByReason, long pointsEarned,
                            long pointsReversed, BigDecimal discountTotal, long durationMillis) {

    public HistoryReport {
        skippedByReason = Map.copyOf(skippedByReason);
    }

    public long skipped() {
        return skippedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
}
