package io.patron.segments;

import java.math.BigDecimal;
import java.util.List;

/**
 * Who belongs to a segment: active members meeting every condition given (an empty or null
 * condition does not restrict). Languages (en, ru, ro, hy), categories (any of them), e-mail consent,
 * the store of enrolment (codes), birthday months (1–12), days since enrolment, days since the last
 * purchase (or never bought), purchases and spend (after discounts) in the last {@code windowDays},
 * members they brought ({@code referralsMin}), and tiers of the active ladder ({@code tiers}: by the
 * ladder's measure over its window — purchases only, without the grace period or manual tiers).
 */
public record SegmentDefinition(List<String> languages, List<String> categories, Boolean emailConsent, List<String> stores,
                                List<Integer> birthMonths, Integer enrolledDaysMin, Integer enrolledDaysMax,
                                Integer lastPurchaseDaysMin, Integer lastPurchaseDaysMax, Boolean purchasedEver,
                                Integer windowDays, Integer purchasesMin, Integer purchasesMax, BigDecimal spendMin,
                                BigDecimal spendMax, Integer referralsMin, List<String> tiers, List<String> rfmClasses) {

    public SegmentDefinition {
        languages = clean(languages);
        categories = clean(categories);
        stores = clean(stores);
        birthMonths = birthMonths == null ? List.of() : List.copyOf(birthMonths);
        tiers = clean(tiers);
        rfmClasses = clean(rfmClasses).stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toList();
    }

    private static List<String> clean(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).toList();
    }

    /** Everyone (no condition). */
    public static SegmentDefinition everyone() {
        return new SegmentDefinition(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    /** The same members, narrowed to those who did (or did not) agree to marketing mail. */
    public SegmentDefinition withEmailConsent(boolean consent) {
        return new SegmentDefinition(languages, categories, consent, stores, birthMonths, enrolledDaysMin, enrolledDaysMax,
                lastPurchaseDaysMin, lastPurchaseDaysMax, purchasedEver, windowDays, purchasesMin, purchasesMax, spendMin, spendMax,
                referralsMin, tiers, rfmClasses);
    }

    /** Whether any condition needs the purchases of a window. */
    public boolean usesWindow() {
        return purchasesMin != null || purchasesMax != null || spendMin != null || spendMax != null;
    }

    public boolean usesLastPurchase() {
        return lastPurchaseDaysMin != null || lastPurchaseDaysMax != null || purchasedEver != null;
    }
}
