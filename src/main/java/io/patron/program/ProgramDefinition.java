package io.patron.program;

import io.patron.common.FieldViolation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The loyalty programme as one document: how points are earned, when they mature and expire, and
 * how they pay at the till. Every purchase is priced by exactly one version of this document.
 * (Rules and tiers join the document in a later step.)
 */
public record ProgramDefinition(String name, String currency, String timeZone, Earning earning, Redemption redemption) {

    /**
     * {@code points} points for every {@code perAmount} of money paid (not of points), rounded per
     * receipt; lines in {@code excludedCategories} earn nothing and get no discount.
     */
    public record Earning(long points, BigDecimal perAmount, RoundingMode rounding, Set<String> excludedCategories,
                          int pendingDays, int expiryMonths) {
        public Earning {
            // Sorted, so that the stored document (and a diff between versions) does not depend on input order.
            excludedCategories = excludedCategories == null ? Collections.emptySortedSet()
                    : Collections.unmodifiableSortedSet(excludedCategories.stream().map(c -> c.trim().toLowerCase(Locale.ROOT))
                            .collect(Collectors.toCollection(TreeSet::new)));
        }

        public boolean excluded(String category) {
            return category != null && excludedCategories.contains(category.trim().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * One point pays {@code pointValue} of money; points pay at most {@code maxShare} of the eligible
     * part of a receipt, and only once at least {@code minBalance} points are available.
     */
    public record Redemption(BigDecimal pointValue, BigDecimal maxShare, long minBalance) {
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    /** Every problem of the document, each with the path of the offending field. */
    public List<FieldViolation> problems() {
        List<FieldViolation> problems = new ArrayList<>();
        if (name == null || name.isBlank() || name.length() > 200) {
            problems.add(new FieldViolation("name", "is required, at most 200 characters"));
        }
        try {
            Currency.getInstance(currency == null ? "" : currency);
        } catch (IllegalArgumentException e) {
            problems.add(new FieldViolation("currency", "must be an ISO 4217 code such as RUB"));
        }
        try {
            ZoneId.of(timeZone == null ? "" : timeZone);
        } catch (DateTimeException e) {
            problems.add(new FieldViolation("timeZone", "must be a time zone such as Europe/Moscow"));
        }
        if (earning == null) {
            problems.add(new FieldViolation("earning", "is required"));
        } else {
            if (earning.points() < 0 || earning.points() > 1_000_000) {
                problems.add(new FieldViolation("earning.points", "must be between 0 and 1000000"));
            }
            if (earning.perAmount() == null || earning.perAmount().signum() <= 0) {
                problems.add(new FieldViolation("earning.perAmount", "must be a positive amount"));
            }
            if (earning.rounding() == null || !Set.of(RoundingMode.DOWN, RoundingMode.HALF_UP, RoundingMode.UP)
                    .contains(earning.rounding())) {
                problems.add(new FieldViolation("earning.rounding", "must be DOWN, HALF_UP or UP"));
            }
            if (earning.pendingDays() < 0 || earning.pendingDays() > 365) {
                problems.add(new FieldViolation("earning.pendingDays", "must be between 0 and 365"));
            }
            if (earning.expiryMonths() < 1 || earning.expiryMonths() > 120) {
                problems.add(new FieldViolation("earning.expiryMonths", "must be between 1 and 120"));
            }
        }
        if (redemption == null) {
            problems.add(new FieldViolation("redemption", "is required"));
        } else {
            if (redemption.pointValue() == null || redemption.pointValue().signum() <= 0) {
                problems.add(new FieldViolation("redemption.pointValue", "must be a positive amount"));
            }
            if (redemption.maxShare() == null || redemption.maxShare().signum() < 0
                    || redemption.maxShare().compareTo(BigDecimal.ONE) > 0) {
                problems.add(new FieldViolation("redemption.maxShare", "must be between 0 and 1"));
            }
            if (redemption.minBalance() < 0) {
                problems.add(new FieldViolation("redemption.minBalance", "must be 0 or more"));
            }
        }
        return problems;
    }
}
