package io.patron.terms;

import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The numbers of the programme's terms, taken from one programme version and nothing else, so that
 * what a member reads is what the till applies: a test prices baskets from these numbers alone and
 * compares them with the till's quotes.
 */
@io.swagger.v3.oas.annotations.media.Schema(name = "Terms")
public record Terms(int version, OffsetDateTime since, String programme, String currency, Earning earning, Redemption redemption,
                    Tiers tiers, List<Promotion> promotions, Referral referral, List<OpenDraw> draws) {

    @io.swagger.v3.oas.annotations.media.Schema(name = "TermsEarning")
    public record Earning(long points, BigDecimal perAmount, String rounding, List<String> excludedCategories, int pendingDays,
                          int expiryMonths) {
    }

    /** {@code maxSharePercent}: the share of a receipt points may pay, in percent. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "TermsRedemption")
    public record Redemption(BigDecimal pointValue, BigDecimal maxSharePercent, long minBalance) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "TermsTiers")
    public record Tiers(String basis, Integer rollingMonths, int graceMonths, List<Level> levels) {
    }

    public record Level(String name, BigDecimal threshold, BigDecimal discountPercent, BigDecimal earnMultiplier, String perks) {
    }

    /** A rule in force or still to come: its name in the reader's language, its effect and when it applies. */
    public record Promotion(String id, String name, String effect, BigDecimal value, BigDecimal perAmount, List<String> categories,
                            String stacking, LocalDate from, LocalDate to, List<Integer> weekdays, Integer fromHour, Integer toHour) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "TermsReferral")
    public record Referral(long referrerPoints, long newcomerPoints, BigDecimal minimumPurchase) {
    }

    public record OpenDraw(String code, String name, OffsetDateTime entryTo) {
    }

    /**
     * The terms of one version in a language: its promotions are the enabled rules whose dates have
     * not passed by {@code today} (in the programme's time zone).
     */
    public static Terms of(int version, OffsetDateTime since, ProgramDefinition p, String language, LocalDate today, List<OpenDraw> draws) {
        var e = p.earning();
        var r = p.redemption();
        Tiers tiers = p.tiers() == null || p.tiers().levels().isEmpty() ? null
                : new Tiers(p.tiers().basis().name(), p.tiers().rollingMonths(), p.tiers().grace(), p.tiers().levels().stream()
                        .map(t -> new Level(t.name(), t.threshold(), t.discountPercent(), t.earnMultiplier(), t.perks())).toList());
        List<Promotion> promotions = p.rules().stream()
                .filter(ProgramDefinition.Rule::on)
                .filter(rule -> rule.schedule() == null || rule.schedule().to() == null || !rule.schedule().to().isBefore(today))
                .map(rule -> promotion(rule, language)).toList();
        return new Terms(version, since, p.name(), p.currency(),
                new Earning(e.points(), e.perAmount(), e.rounding().name(), List.copyOf(e.excludedCategories()), e.pendingDays(), e.expiryMonths()),
                new Redemption(r.pointValue(), r.maxShare().movePointRight(2).stripTrailingZeros(), r.minBalance()), tiers, promotions,
                p.referral() == null ? null : new Referral(p.referral().referrerPoints(), p.referral().newcomerPoints(),
                        p.referral().minimumPurchase()), List.copyOf(draws));
    }

    private static Promotion promotion(ProgramDefinition.Rule rule, String language) {
        var s = rule.schedule();
        var effect = rule.effect();
        return new Promotion(rule.id(), rule.name(language), effect.type().name(), effect.value(), effect.perAmount(), effect.categories(),
                rule.stacking() == null ? "STACK" : rule.stacking().name(), s == null ? null : s.from(), s == null ? null : s.to(),
                s == null ? List.of() : s.weekdays(), s == null ? null : s.fromHour(), s == null ? null : s.toHour());
    }
}
