package io.patron.checkout.internal;

import java.math.BigDecimal;

/**
 * What a rule's caps still allow for one sale: how many of the member's receipts it already applied
 * to in the sale's day, week and month, and what is left of its total budget. Live sales read it
 * from the database; a back-test keeps it in memory.
 */
public interface RuleLimits {

    /** No rule has been used yet: nothing is capped by history. */
    RuleLimits NONE = new RuleLimits() {
        @Override
        public int uses(String ruleId, Period period) {
            return 0;
        }

        @Override
        public BigDecimal budgetUsed(String ruleId) {
            return BigDecimal.ZERO;
        }
    };

    enum Period {
        DAY, WEEK, MONTH;

        /** The calendar day, ISO week or month holding {@code at} in {@code zone}: its start and its end (exclusive). */
        public java.time.OffsetDateTime[] around(java.time.OffsetDateTime at, java.time.ZoneId zone) {
            java.time.LocalDate day = at.atZoneSameInstant(zone).toLocalDate();
            java.time.LocalDate start = switch (this) {
                case DAY -> day;
                case WEEK -> day.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
                case MONTH -> day.withDayOfMonth(1);
            };
            java.time.LocalDate end = switch (this) {
                case DAY -> start.plusDays(1);
                case WEEK -> start.plusWeeks(1);
                case MONTH -> start.plusMonths(1);
            };
            return new java.time.OffsetDateTime[] {start.atStartOfDay(zone).toOffsetDateTime(), end.atStartOfDay(zone).toOffsetDateTime()};
        }
    }

    int uses(String ruleId, Period period);

    BigDecimal budgetUsed(String ruleId);
}
