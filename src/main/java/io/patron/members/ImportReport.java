package io.patron.members;

import java.util.List;
import java.util.Map;

/**
 * What an import did: every row read is either imported or rejected with its line and reason, so
 * nothing is dropped silently. Only the first {@link #REJECTIONS_LISTED_MAX} rejections are listed
 * one by one; all are counted by reason.
 */
public record ImportReport(long rowsRead, long imported, long rejected, Map<String, Long> rejectedByReason,
                           List<Rejection> rejections, long durationMillis) {

    public static final int REJECTIONS_LISTED_MAX = 1000;

    public ImportReport {
        rejectedByReason = Map.copyOf(rejectedByReason);
        rejections = List.copyOf(rejections);
    }

    public record Rejection(long line, String reason) {
    }
}
