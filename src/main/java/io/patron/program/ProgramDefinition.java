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
 * Optional parts: the tier ladder, the marketer's rules and the referral bonus.
 */
public record ProgramDefinition(String name, String currency, String timeZone, Earning earning, Redemption redemption,
                                Tiers tiers, List<Rule> rules, Referral referral, Till till, Fraud fraud) {

    public ProgramDefinition {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public ProgramDefinition(String name, String currency, String timeZone, Earning earning, Redemption redemption, Tiers tiers,
                             List<Rule> rules, Referral referral, Till till) {
        this(name, currency, timeZone, earning, redemption, tiers, rules, referral, till, null);
    }

    /**
     * Fraud monitoring: velocity rules checked after each sale, return and enrolment (never in the
     * sale's transaction). A rule whose count goes over its {@code limit} within its window opens a
     * case for people to review; with {@code hold} it also holds the member's redemptions until the
     * case is closed or the hold released. Absent: no monitoring.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeFraud")
    public record Fraud(List<FraudRule> rules) {
        public Fraud {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    /**
     * One velocity rule: what it counts ({@code kind}), how many are normal ({@code limit}: more open a
     * case), over how long ({@code windowMinutes}; a day when absent, thirty days for returns) and
     * whether a match holds the member's redemptions.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeFraudRule")
    public record FraudRule(String id, FraudKind kind, Integer limit, Integer windowMinutes, Boolean hold) {

        public int window() {
            return windowMinutes != null ? windowMinutes : kind == FraudKind.RETURNS_AFTER_REDEMPTION ? 30 * 24 * 60 : 24 * 60;
        }

        public boolean holds() {
            return Boolean.TRUE.equals(hold);
        }
    }

    /**
     * What a velocity rule counts: a member's sales, a member's redemptions, the stores a member
     * redeemed in, a member's returns of purchases paid partly with points, members enrolled with
     * contacts of one pattern (the same e-mail name but for its digits at one domain, or phones that
     * differ only in their last three digits), members a till redeemed points for after identifying them
     * by phone.
     */
    public enum FraudKind { SALES, REDEMPTIONS, REDEMPTION_STORES, RETURNS_AFTER_REDEMPTION, ENROLMENT_PATTERN, TILL_PHONE_REDEMPTIONS }

    public static final int RULES_MAX = 200;

    /**
     * A marketer's rule: when its CEL {@code condition} holds for a sale (and the sale falls in its
     * {@code schedule}, and its {@code caps} leave room), its effect applies — to the lines its
     * optional {@code lineCondition} (CEL over {@code line}, {@code purchase}, {@code member}) and
     * the effect's categories select. {@code priority} orders evaluation (highest first); an EXCLUSIVE
     * rule that applies stops the rules after it; a BEST_OF discount competes with the tier discount
     * and the other BEST_OF discounts (the largest wins) where a STACK discount adds to them.
     */
    public record Rule(String id, String name, String condition, String lineCondition, Schedule schedule, Caps caps,
                       Effect effect, Stacking stacking, Integer priority, Boolean enabled, java.util.Map<String, String> names) {
        public Rule {
            names = names == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(names));
        }

        /** The rule's name in a language (en, ru, ro, hy) when the document gives one, else its name. */
        public String name(String language) {
            String localized = names.get(language);
            return localized == null || localized.isBlank() ? name : localized;
        }

        public boolean on() {
            return !Boolean.FALSE.equals(enabled);
        }

        public int order() {
            return priority == null ? 0 : priority;
        }

        public boolean capped() {
            return caps != null && (caps.perMemberPerDay() != null || caps.perMemberPerWeek() != null
                    || caps.perMemberPerMonth() != null || caps.budget() != null);
        }
    }

    /**
     * When a rule may apply, in the store's local time: dates {@code from}..{@code to} inclusive,
     * weekdays (1 = Monday … 7 = Sunday), and hours {@code fromHour} (inclusive) to {@code toHour}
     * (exclusive); a span such as 22 → 2 crosses midnight. Every part is optional.
     */
    public record Schedule(java.time.LocalDate from, java.time.LocalDate to, List<Integer> weekdays, Integer fromHour,
                           Integer toHour) {
        public Schedule {
            weekdays = weekdays == null ? List.of() : List.copyOf(weekdays);
        }

        public boolean covers(java.time.LocalDateTime local) {
            java.time.LocalDate date = local.toLocalDate();
            if (from != null && date.isBefore(from) || to != null && date.isAfter(to)) {
                return false;
            }
            if (!weekdays.isEmpty() && !weekdays.contains(local.getDayOfWeek().getValue())) {
                return false;
            }
            if (fromHour != null && toHour != null) {
                int hour = local.getHour();
                return fromHour <= toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
            }
            return true;
        }
    }

    /**
     * Limits of a rule: {@code perReceipt} bounds its effect on one receipt (money for a discount,
     * points for a points effect); {@code perMemberPerDay/Week/Month} bound how many receipts of one
     * member it applies to in a calendar day, ISO week or month of the programme's time zone;
     * {@code budget} bounds what it gives in total (money or points).
     */
    public record Caps(BigDecimal perReceipt, Integer perMemberPerDay, Integer perMemberPerWeek, Integer perMemberPerMonth,
                       BigDecimal budget) {
    }

    /**
     * What a rule does: a percent or a fixed amount off the lines it covers (or the whole eligible
     * basket), a points multiplier on the points those lines earn, extra points per amount paid on
     * them, fixed bonus points, or coupons of a campaign for the member. {@code categories} narrows the lines; {@code perAmount} is the
     * amount per which POINTS_PER_AMOUNT gives {@code value} points.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "RuleEffect")
    public record Effect(EffectType type, BigDecimal value, List<String> categories, BigDecimal perAmount, String campaign,
                         String draw) {
        public Effect {
            categories = categories == null ? List.of()
                    : categories.stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
        }

        public boolean discount() {
            return type == EffectType.PERCENT_DISCOUNT || type == EffectType.FIXED_DISCOUNT;
        }
    }

    /**
     * ISSUE_COUPON gives the member {@code value} coupons of the coupon campaign {@code campaign} (its
     * code) with the sale; DRAW_TICKETS gives {@code value} tickets of the open draw {@code draw} (a
     * draw's code or a series) per whole {@code perAmount} paid on the covered lines ({@code value}
     * tickets per sale without {@code perAmount}).
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "RuleEffectType")
    public enum EffectType { PERCENT_DISCOUNT, FIXED_DISCOUNT, POINTS_MULTIPLIER, POINTS_PER_AMOUNT, BONUS_POINTS, ISSUE_COUPON, DRAW_TICKETS }

    /**
     * A member who brought a newcomer gets {@code referrerPoints}, the newcomer {@code newcomerPoints},
     * when the newcomer's first purchase reaches {@code minimumPurchase} (after discounts); once, and
     * the referrer's points are taken back if that purchase comes back in full.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeReferral")
    public record Referral(long referrerPoints, long newcomerPoints, BigDecimal minimumPurchase) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "RuleStacking")
    public enum Stacking { STACK, BEST_OF, EXCLUSIVE }

    /**
     * What the till's answer tells the cashier, most important first: the prompts a chain wants, in
     * the order of {@link Prompt}. Absent: all of them.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeTill")
    public record Till(List<Prompt> prompts) {
        public Till {
            prompts = prompts == null ? null : List.copyOf(prompts);
        }
    }

    /** The cashier prompts, from the most important down. */
    public enum Prompt { GREETING, BIRTHDAY, VIP, COUPONS_WAITING, NEXT_TIER, POINTS_EXPIRING, SURVEY, BALANCE }

    /** Whether the chain wants this prompt at its tills. */
    public boolean prompts(Prompt prompt) {
        return till == null || till.prompts() == null || till.prompts().contains(prompt);
    }

    /**
     * The discount ladder: a member's tier follows their qualifying spend (the value of their
     * purchases after discounts, less returns) or the points they earned (less points taken back),
     * over all time or the last {@code rollingMonths}; each tier gives a discount on eligible lines
     * and multiplies earned points. A qualifying purchase lifts the tier from the next receipt on; a
     * fall is only checked at the start of each month, and a tier reached at a month's start is kept
     * for {@code graceMonths} more months. Optional.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeTiers")
    public record Tiers(Basis basis, Integer rollingMonths, Integer graceMonths, List<Tier> levels) {
        public Tiers {
            levels = levels == null ? List.of() : List.copyOf(levels);
        }

        public enum Basis {
            SPEND_ALL_TIME, SPEND_ROLLING, POINTS_ALL_TIME, POINTS_ROLLING;

            public boolean rolling() {
                return this == SPEND_ROLLING || this == POINTS_ROLLING;
            }

            public boolean points() {
                return this == POINTS_ALL_TIME || this == POINTS_ROLLING;
            }
        }

        public int grace() {
            return graceMonths == null ? 0 : graceMonths;
        }

        /** The tier of the given name, or null when the ladder has none. */
        public Tier named(String name) {
            return levels.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
        }

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
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeEarning")
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
     * part of a receipt, and only once at least {@code minBalance} points are available. {@code verification}
     * says when the member must confirm spending with a one-time code sent to their phone or e-mail
     * (absent: never).
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeRedemption")
    public record Redemption(BigDecimal pointValue, BigDecimal maxShare, long minBalance, Verification verification) {

        public Redemption(BigDecimal pointValue, BigDecimal maxShare, long minBalance) {
            this(pointValue, maxShare, minBalance, null);
        }

        /** Whether spending {@code points} on a member identified by phone (not card) needs a one-time code. */
        public boolean codeRequired(long points, boolean byPhone) {
            if (points <= 0 || verification == null || verification.when() == null) {
                return false;
            }
            return switch (verification.when()) {
                case NEVER -> false;
                case ALWAYS -> true;
                case PHONE -> byPhone;
                case ABOVE -> verification.abovePoints() != null && points > verification.abovePoints();
            };
        }
    }

    /**
     * When spending points needs a one-time code: NEVER, ALWAYS, PHONE (when the member was identified
     * by phone number rather than card or QR code) or ABOVE {@code abovePoints} points.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ProgrammeVerification")
    public record Verification(VerificationWhen when, Long abovePoints) {
    }

    public enum VerificationWhen { NEVER, ALWAYS, PHONE, ABOVE }

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
            Verification verification = redemption.verification();
            if (verification != null && verification.when() == null) {
                problems.add(new FieldViolation("redemption.verification.when", "must be NEVER, ALWAYS, PHONE or ABOVE"));
            }
            if (verification != null && verification.when() == VerificationWhen.ABOVE
                    && (verification.abovePoints() == null || verification.abovePoints() < 0)) {
                problems.add(new FieldViolation("redemption.verification.abovePoints", "is required with ABOVE, 0 or more"));
            }
        }
        if (tiers != null) {
            tierProblems(problems);
        }
        ruleProblems(problems);
        if (fraud != null) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            if (fraud.rules().size() > 50) {
                problems.add(new FieldViolation("fraud.rules", "at most 50 rules"));
            }
            for (int i = 0; i < Math.min(fraud.rules().size(), 50); i++) {
                FraudRule r = fraud.rules().get(i);
                String at = "fraud.rules[" + i + "]";
                if (r == null) {
                    problems.add(new FieldViolation(at, "is empty"));
                    continue;
                }
                if (r.id() == null || !r.id().matches("[a-z0-9][a-z0-9-]{0,49}") || !ids.add(r.id())) {
                    problems.add(new FieldViolation(at + ".id", "a unique id of 1 to 50 lower-case letters, digits or -"));
                }
                if (r.kind() == null) {
                    problems.add(new FieldViolation(at + ".kind", "must be one of " + java.util.Arrays.toString(FraudKind.values())));
                }
                if (r.limit() == null || r.limit() < 0 || r.limit() > 100_000) {
                    problems.add(new FieldViolation(at + ".limit", "is required, from 0 to 100000"));
                }
                if (r.windowMinutes() != null && (r.windowMinutes() < 1 || r.windowMinutes() > 366 * 24 * 60)) {
                    problems.add(new FieldViolation(at + ".windowMinutes", "from 1 to 527040 (a year)"));
                }
            }
        }
        if (referral != null) {
            if (referral.referrerPoints() < 0 || referral.referrerPoints() > 1_000_000) {
                problems.add(new FieldViolation("referral.referrerPoints", "must be between 0 and 1000000"));
            }
            if (referral.newcomerPoints() < 0 || referral.newcomerPoints() > 1_000_000) {
                problems.add(new FieldViolation("referral.newcomerPoints", "must be between 0 and 1000000"));
            }
            if (referral.minimumPurchase() == null || referral.minimumPurchase().signum() < 0) {
                problems.add(new FieldViolation("referral.minimumPurchase", "must be 0 or more"));
            }
        }
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
            for (var n : r.names().entrySet()) {
                if (!java.util.Set.of("en", "ru", "ro", "hy").contains(n.getKey()) || n.getValue() == null || n.getValue().length() > 200) {
                    problems.add(new FieldViolation(at + ".names", "names in en, ru, ro or hy, at most 200 characters each"));
                    break;
                }
            }
            RuleConditions.problem(r.condition()).ifPresent(p -> problems.add(new FieldViolation(at + ".condition", p)));
            if (r.lineCondition() != null) {
                RuleConditions.lineProblem(r.lineCondition()).ifPresent(p -> problems.add(new FieldViolation(at + ".lineCondition", p)));
            }
            if (r.effect() == null || r.effect().type() == null || r.effect().value() == null) {
                problems.add(new FieldViolation(at + ".effect",
                        "needs a type (PERCENT_DISCOUNT, FIXED_DISCOUNT, POINTS_MULTIPLIER, POINTS_PER_AMOUNT, BONUS_POINTS, ISSUE_COUPON, DRAW_TICKETS) and a value"));
            } else {
                BigDecimal v = r.effect().value();
                boolean ok = switch (r.effect().type()) {
                    case PERCENT_DISCOUNT -> v.signum() > 0 && v.compareTo(BigDecimal.valueOf(100)) <= 0;
                    case FIXED_DISCOUNT -> v.signum() > 0 && v.compareTo(BigDecimal.valueOf(1_000_000)) <= 0 && v.stripTrailingZeros().scale() <= 2;
                    case POINTS_MULTIPLIER -> v.compareTo(BigDecimal.ONE) > 0 && v.compareTo(BigDecimal.TEN) <= 0;
                    case BONUS_POINTS, POINTS_PER_AMOUNT -> v.signum() > 0 && v.compareTo(BigDecimal.valueOf(1_000_000)) <= 0 && v.stripTrailingZeros().scale() <= 0;
                    case ISSUE_COUPON -> v.signum() > 0 && v.compareTo(BigDecimal.TEN) <= 0 && v.stripTrailingZeros().scale() <= 0;
                    case DRAW_TICKETS -> v.signum() > 0 && v.compareTo(BigDecimal.valueOf(1000)) <= 0 && v.stripTrailingZeros().scale() <= 0;
                };
                if (!ok) {
                    problems.add(new FieldViolation(at + ".effect.value", switch (r.effect().type()) {
                        case PERCENT_DISCOUNT -> "a percent above 0 and at most 100";
                        case FIXED_DISCOUNT -> "an amount above 0 and at most 1000000, at most 2 decimals";
                        case POINTS_MULTIPLIER -> "a multiplier above 1 and at most 10";
                        case BONUS_POINTS, POINTS_PER_AMOUNT -> "a whole number of points from 1 to 1000000";
                        case ISSUE_COUPON -> "the number of coupons, 1 to 10";
                        case DRAW_TICKETS -> "the number of tickets, 1 to 1000";
                    }));
                }
                if (r.effect().type() == EffectType.ISSUE_COUPON
                        && (r.effect().campaign() == null || !r.effect().campaign().matches("[A-Z0-9][A-Z0-9-]{1,39}"))) {
                    problems.add(new FieldViolation(at + ".effect.campaign", "the code of a coupon campaign (upper-case letters, digits, -)"));
                }
                if (r.effect().type() == EffectType.DRAW_TICKETS
                        && (r.effect().draw() == null || !r.effect().draw().matches("[A-Z0-9][A-Z0-9-]{1,39}"))) {
                    problems.add(new FieldViolation(at + ".effect.draw", "the code of a draw or of a draw series (upper-case letters, digits, -)"));
                }
                if (r.effect().type() == EffectType.DRAW_TICKETS && r.effect().perAmount() != null && r.effect().perAmount().signum() <= 0) {
                    problems.add(new FieldViolation(at + ".effect.perAmount", "a positive amount, or empty for tickets per sale"));
                }
                if (r.effect().type() == EffectType.POINTS_PER_AMOUNT
                        && (r.effect().perAmount() == null || r.effect().perAmount().signum() <= 0)) {
                    problems.add(new FieldViolation(at + ".effect.perAmount", "a positive amount for POINTS_PER_AMOUNT"));
                }
            }
            if (r.schedule() != null) {
                Schedule sc = r.schedule();
                if (sc.from() != null && sc.to() != null && sc.to().isBefore(sc.from())) {
                    problems.add(new FieldViolation(at + ".schedule.to", "is before schedule.from"));
                }
                if (sc.weekdays().stream().anyMatch(d -> d == null || d < 1 || d > 7)) {
                    problems.add(new FieldViolation(at + ".schedule.weekdays", "1 (Monday) to 7 (Sunday)"));
                }
                if ((sc.fromHour() == null) != (sc.toHour() == null)) {
                    problems.add(new FieldViolation(at + ".schedule.fromHour", "give both fromHour and toHour, or neither"));
                } else if (sc.fromHour() != null && (sc.fromHour() < 0 || sc.fromHour() > 23 || sc.toHour() < 0
                        || sc.toHour() > 24 || sc.fromHour().equals(sc.toHour()))) {
                    problems.add(new FieldViolation(at + ".schedule.fromHour", "hours 0 to 24, fromHour different from toHour"));
                }
            }
            if (r.caps() != null) {
                Caps c = r.caps();
                if (c.perReceipt() != null && c.perReceipt().signum() <= 0) {
                    problems.add(new FieldViolation(at + ".caps.perReceipt", "must be above 0"));
                }
                if (c.budget() != null && c.budget().signum() <= 0) {
                    problems.add(new FieldViolation(at + ".caps.budget", "must be above 0"));
                }
                for (var cap : java.util.Map.of("perMemberPerDay", java.util.Optional.ofNullable(c.perMemberPerDay()),
                        "perMemberPerWeek", java.util.Optional.ofNullable(c.perMemberPerWeek()),
                        "perMemberPerMonth", java.util.Optional.ofNullable(c.perMemberPerMonth())).entrySet()) {
                    if (cap.getValue().isPresent() && (cap.getValue().get() < 1 || cap.getValue().get() > 1000)) {
                        problems.add(new FieldViolation(at + ".caps." + cap.getKey(), "1 to 1000 receipts"));
                    }
                }
            }
            if (r.stacking() == null) {
                problems.add(new FieldViolation(at + ".stacking", "must be STACK, BEST_OF or EXCLUSIVE"));
            }
        }
    }

    private void tierProblems(List<FieldViolation> problems) {
        if (tiers.basis() == null) {
            problems.add(new FieldViolation("tiers.basis", "must be SPEND_ALL_TIME, SPEND_ROLLING, POINTS_ALL_TIME or POINTS_ROLLING"));
        } else if (tiers.basis().rolling()
                && (tiers.rollingMonths() == null || tiers.rollingMonths() < 1 || tiers.rollingMonths() > 60)) {
            problems.add(new FieldViolation("tiers.rollingMonths", "must be between 1 and 60 for a rolling basis"));
        }
        if (tiers.graceMonths() != null && (tiers.graceMonths() < 0 || tiers.graceMonths() > 24)) {
            problems.add(new FieldViolation("tiers.graceMonths", "must be between 0 and 24"));
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
