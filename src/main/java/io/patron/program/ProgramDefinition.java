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
public record ProgramDefinition(String name, String currency, String timeZone, Earning earning, Redemption redemption,
                                Tiers tiers, List<Rule> rules) {

    public ProgramDefinition {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public static final int RULES_MAX = 200;

    /**
     * A marketer's rule: when its CEL {@code condition} holds for a sale, its effect applies.
     * {@code priority} orders evaluation (highest first); an EXCLUSIVE rule that applies stops the
     * rules after it; a BEST_OF discount competes with the tier discount and the other BEST_OF
     * discounts (the largest wins) where a STACK discount adds to them.
     */
    public record Rule(String id, String name, String condition, Effect effect, Stacking stacking, Integer priority,
                       Boolean enabled) {
        public boolean on() {
            return !Boolean.FALSE.equals(enabled);
        }

        public int order() {
            return priority == null ? 0 : priority;
        }
    }

    /** What a rule does: a percent off eligible lines (optionally only some categories), a points multiplier, bonus points. */
    public record Effect(EffectType type, BigDecimal value, List<String> categories) {
        public Effect {
            categories = categories == null ? List.of()
                    : categories.stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
        }
    }

    public enum EffectType { PERCENT_DISCOUNT, POINTS_MULTIPLIER, BONUS_POINTS }

    public enum Stacking { STACK, BEST_OF, EXCLUSIVE }

    /**
     * The discount ladder: a member's tier follows their qualifying spend (the value of their
     * purchases after discounts, less returns) over all time or the last {@code rollingMonths}; each
     * tier gives a discount on eligible lines and multiplies earned points. Optional.
     */
    public record Tiers(Basis basis, Integer rollingMonths, List<Tier> levels) {
        public Tiers {
            levels = levels == null ? List.of() : List.copyOf(levels);
        }

        public enum Basis { SPEND_ALL_TIME, SPEND_ROLLING }

        /** The highest tier whose threshold the spend reaches. */
        public Tier levelFor(BigDecimal spend) {
            Tier level = levels.getFirst();
            for (Tier t : levels) {
                if (spend.compareTo(t.threshold()) >= 0) {
                    level = t;
                }
            }
            return level;
        }

        /** The tier after {@code level}, or null at the top. */
        public Tier after(Tier level) {
            int i = levels.indexOf(level);
            return i >= 0 && i + 1 < levels.size() ? levels.get(i + 1) : null;
        }
    }

    public record Tier(String name, BigDecimal threshold, BigDecimal discountPercent, BigDecimal earnMultiplier,
                       String perks) {
    }

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
        if (tiers != null) {
            tierProblems(problems);
        }
        ruleProblems(problems);
        return problems;
    }

    private void ruleProblems(List<FieldViolation> problems) {
        if (rules.size() > RULES_MAX) {
            problems.add(new FieldViolation("rules", "at most " + RULES_MAX + " rules"));
            return;
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            String at = "rules[" + i + "]";
            if (r == null) {
                problems.add(new FieldViolation(at, "is empty"));
                continue;
            }
            if (r.id() == null || !r.id().matches("[a-z0-9][a-z0-9-]{0,49}") || !ids.add(r.id())) {
                problems.add(new FieldViolation(at + ".id", "a unique id of 1 to 50 lower-case letters, digits or -"));
            }
            if (r.name() == null || r.name().isBlank() || r.name().length() > 200) {
                problems.add(new FieldViolation(at + ".name", "is required, at most 200 characters"));
            }
            RuleConditions.problem(r.condition()).ifPresent(p -> problems.add(new FieldViolation(at + ".condition", p)));
            if (r.effect() == null || r.effect().type() == null || r.effect().value() == null) {
                problems.add(new FieldViolation(at + ".effect", "needs a type (PERCENT_DISCOUNT, POINTS_MULTIPLIER, BONUS_POINTS) and a value"));
            } else {
                BigDecimal v = r.effect().value();
                boolean ok = switch (r.effect().type()) {
                    case PERCENT_DISCOUNT -> v.signum() > 0 && v.compareTo(BigDecimal.valueOf(100)) <= 0;
                    case POINTS_MULTIPLIER -> v.signum() > 0 && v.compareTo(BigDecimal.TEN) <= 0;
                    case BONUS_POINTS -> v.signum() > 0 && v.compareTo(BigDecimal.valueOf(1_000_000)) <= 0 && v.stripTrailingZeros().scale() <= 0;
                };
                if (!ok) {
                    problems.add(new FieldViolation(at + ".effect.value", switch (r.effect().type()) {
                        case PERCENT_DISCOUNT -> "a percent above 0 and at most 100";
                        case POINTS_MULTIPLIER -> "a multiplier above 0 and at most 10";
                        case BONUS_POINTS -> "a whole number of points from 1 to 1000000";
                    }));
                }
            }
            if (r.stacking() == null) {
                problems.add(new FieldViolation(at + ".stacking", "must be STACK, BEST_OF or EXCLUSIVE"));
            }
        }
    }

    private void tierProblems(List<FieldViolation> problems) {
        if (tiers.basis() == null) {
            problems.add(new FieldViolation("tiers.basis", "must be SPEND_ALL_TIME or SPEND_ROLLING"));
        } else if (tiers.basis() == Tiers.Basis.SPEND_ROLLING
                && (tiers.rollingMonths() == null || tiers.rollingMonths() < 1 || tiers.rollingMonths() > 60)) {
            problems.add(new FieldViolation("tiers.rollingMonths", "must be between 1 and 60 for a rolling basis"));
        }
        if (tiers.levels().isEmpty() || tiers.levels().size() > 20) {
            problems.add(new FieldViolation("tiers.levels", "1 to 20 tiers"));
            return;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        BigDecimal previous = null;
        for (int i = 0; i < tiers.levels().size(); i++) {
            Tier t = tiers.levels().get(i);
            String at = "tiers.levels[" + i + "]";
            if (t.name() == null || t.name().isBlank() || t.name().length() > 50 || !names.add(t.name())) {
                problems.add(new FieldViolation(at + ".name", "a unique name of 1 to 50 characters"));
            }
            if (t.threshold() == null || t.threshold().signum() < 0) {
                problems.add(new FieldViolation(at + ".threshold", "must be 0 or more"));
            } else if (i == 0 && t.threshold().signum() != 0) {
                problems.add(new FieldViolation(at + ".threshold", "the first tier starts at 0"));
            } else if (previous != null && t.threshold().compareTo(previous) <= 0) {
                problems.add(new FieldViolation(at + ".threshold", "must be above the previous tier's threshold (tiers may not overlap)"));
            }
            previous = t.threshold() == null ? previous : t.threshold();
            if (t.discountPercent() == null || t.discountPercent().signum() < 0 || t.discountPercent().compareTo(BigDecimal.valueOf(100)) > 0) {
                problems.add(new FieldViolation(at + ".discountPercent", "must be between 0 and 100"));
            }
            if (t.earnMultiplier() == null || t.earnMultiplier().signum() < 0 || t.earnMultiplier().compareTo(BigDecimal.TEN) > 0) {
                problems.add(new FieldViolation(at + ".earnMultiplier", "must be between 0 and 10"));
            }
            if (t.perks() != null && t.perks().length() > 500) {
                problems.add(new FieldViolation(at + ".perks", "at most 500 characters"));
            }
        }
    }
}
