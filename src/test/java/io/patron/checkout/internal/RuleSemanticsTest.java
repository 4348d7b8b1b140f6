package io.patron.checkout.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.checkout.Basket;
import io.patron.checkout.PricedBasket;
import io.patron.checkout.TierStatus;
import io.patron.common.Language;
import io.patron.ledger.PointsAccount;
import io.patron.members.EmailConsent;
import io.patron.members.EnrolmentChannel;
import io.patron.members.Member;
import io.patron.members.MemberCategory;
import io.patron.members.MemberId;
import io.patron.members.MemberStatus;
import io.patron.program.ActiveProgram;
import io.patron.program.ProgramDefinition;
import io.patron.program.RuleConditions;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.context.support.ResourceBundleMessageSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rule semantics as tables, on the pricing pipeline alone (no database): schedules across time zones
 * and midnight, caps, line conditions, fixed discounts, stacking and priority ties, exclusions, the
 * points effects and the cost bound of conditions.
 */
class RuleSemanticsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final Pricing PRICING = new Pricing(messages(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

    private static ResourceBundleMessageSource messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding("UTF-8");
        return source;
    }

    private static ProgramDefinition program(String rules, String tiers) {
        String document = """
                {"name": "Test", "currency": "RUB", "timeZone": "Europe/Moscow",
                 "earning": {"points": 1, "perAmount": 10, "rounding": "DOWN", "excludedCategories": ["alcohol"],
                             "pendingDays": 0, "expiryMonths": 12},
                 "redemption": {"pointValue": 1, "maxShare": 0.5, "minBalance": 0},
                 "tiers": %s, "rules": [%s]}""".formatted(tiers == null ? "null" : tiers, rules);
        ProgramDefinition definition = JSON.readValue(document, ProgramDefinition.class);
        assertThat(definition.problems()).isEmpty();
        return definition;
    }

    private static Member member() {
        OffsetDateTime enrolled = OffsetDateTime.parse("2025-01-01T00:00:00Z");
        return new Member(new MemberId(1), MemberStatus.ACTIVE, null, null, "anna@example.com", "Anna", null,
                LocalDate.of(1960, 5, 5), Language.en, Set.of(MemberCategory.PENSIONER), EmailConsent.none(), null, "ABCDEFGH",
                null, null, EnrolmentChannel.API, null, enrolled, enrolled, 0);
    }

    private record Line(String category, String brand, String price) {
    }

    private static PricedBasket price(ProgramDefinition program, String at, RuleLimits limits, TierStatus tier, Line... lines) {
        List<Basket.BasketLine> basketLines = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            BigDecimal price = new BigDecimal(lines[i].price());
            basketLines.add(new Basket.BasketLine(i, String.valueOf(i + 1), "SKU" + i, "Item " + i, lines[i].category(),
                    lines[i].brand(), BigDecimal.ONE, price, price));
        }
        Basket basket = new Basket("R-1", OffsetDateTime.parse(at), null, basketLines, List.of(), 0);
        Member member = member();
        PointsAccount account = new PointsAccount(0, 0, 0, List.of());
        PurchaseFacts facts = PurchaseFacts.of(basket, member, tier, MOSCOW, "S1", 3);
        return PRICING.price(basket, member, account, new ActiveProgram(1, program), tier, facts, limits, List.of());
    }

    private static PricedBasket price(ProgramDefinition program, String at, Line... lines) {
        return price(program, at, RuleLimits.NONE, null, lines);
    }

    private static String rule(String id, String condition, String effect, String stacking, int priority, String extra) {
        return """
                {"id": "%s", "name": "%s", "condition": "%s", "effect": %s, "stacking": "%s", "priority": %d %s}"""
                .formatted(id, id, condition, effect, stacking, priority, extra == null ? "" : ", " + extra);
    }

    private static List<String> applied(PricedBasket priced) {
        return priced.appliedRules().stream().map(PricedBasket.AppliedRule::id).filter(id -> !id.equals("base-earning")).toList();
    }

    /** A happy-hour rule from 22:00 to 02:00 Moscow time, on Fridays (the local weekday of the sale). */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            // UTC instant,              applies   (Moscow is UTC+3)
            "2026-03-06T18:59:00Z, false", // Fri 21:59
            "2026-03-06T19:00:00Z, true",  // Fri 22:00
            "2026-03-06T20:30:00Z, true",  // Fri 23:30
            "2026-03-06T21:30:00Z, false", // Sat 00:30: past midnight it is Saturday, not a Friday any more
            "2026-03-05T22:30:00Z, true",  // Fri 01:30 (Thursday 22:30 in UTC)
            "2026-03-05T23:00:00Z, false", // Fri 02:00: the end hour is exclusive
    })
    void schedulesUseTheStoresLocalTimeAndCrossMidnight(String at, boolean applies) {
        ProgramDefinition program = program(rule("night", "true", "{\"type\": \"PERCENT_DISCOUNT\", \"value\": 10}", "STACK", 0,
                "\"schedule\": {\"weekdays\": [5], \"fromHour\": 22, \"toHour\": 2}"), null);
        PricedBasket priced = price(program, at, new Line("home", null, "100.00"));
        assertThat(applied(priced).contains("night")).isEqualTo(applies);
        assertThat(priced.discountTotal()).isEqualByComparingTo(applies ? "10.00" : "0");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "2026-02-28T20:59:00Z, false", // 28 Feb 23:59 Moscow
            "2026-02-28T21:00:00Z, true",  // 1 Mar 00:00 Moscow: the first day is included
            "2026-03-31T20:59:00Z, true",  // 31 Mar 23:59: the last day is included
            "2026-03-31T21:00:00Z, false", // 1 Apr 00:00
    })
    void scheduleDatesAreInclusiveLocalDates(String at, boolean applies) {
        ProgramDefinition program = program(rule("march", "true", "{\"type\": \"BONUS_POINTS\", \"value\": 50}", "STACK", 0,
                "\"schedule\": {\"from\": \"2026-03-01\", \"to\": \"2026-03-31\"}"), null);
        assertThat(applied(price(program, at, new Line("home", null, "100.00"))).contains("march")).isEqualTo(applies);
    }

    @Test
    void aPerReceiptCapBoundsTheDiscount() {
        ProgramDefinition program = program(rule("ten", "true", "{\"type\": \"PERCENT_DISCOUNT\", \"value\": 10}", "STACK", 0,
                "\"caps\": {\"perReceipt\": 50}"), null);
        PricedBasket priced = price(program, "2026-03-02T08:00:00Z", new Line("home", null, "700.00"), new Line("food", null, "300.00"));
        assertThat(priced.discountTotal()).isEqualByComparingTo("50.00");
        assertThat(priced.lines().get(0).discount()).isEqualByComparingTo("35.00");
        assertThat(priced.lines().get(1).discount()).isEqualByComparingTo("15.00");
        // A per-receipt cap needs no history: nothing is recorded for it.
        assertThat(priced.ruleUses()).isEmpty();
    }

    @Test
    void aFixedDiscountIsSpreadOverItsLinesToTheCentAndNeverExceedsThem() {
        ProgramDefinition program = program(rule("hundred", "true", "{\"type\": \"FIXED_DISCOUNT\", \"value\": 100}", "STACK", 0, null), null);
        PricedBasket priced = price(program, "2026-03-02T08:00:00Z", new Line("home", null, "33.33"), new Line("home", null, "33.33"),
                new Line("home", null, "133.34"), new Line("alcohol", null, "500.00"));
        assertThat(priced.discountTotal()).isEqualByComparingTo("100.00");
        assertThat(priced.lines().get(3).discount()).isEqualByComparingTo("0"); // excluded category
        PricedBasket small = price(program, "2026-03-02T08:00:00Z", new Line("home", null, "40.00"), new Line("home", null, "20.01"));
        assertThat(small.discountTotal()).isEqualByComparingTo("60.01");
        assertThat(small.lines()).allSatisfy(l -> assertThat(l.net().signum()).isZero());
    }

    @Test
    void aLineConditionSelectsTheLinesTheEffectCovers() {
        ProgramDefinition program = program(rule("acme", "true", "{\"type\": \"PERCENT_DISCOUNT\", \"value\": 20}", "STACK", 0,
                "\"lineCondition\": \"line.brand == 'Acme' && line.unitPrice >= 10.0\""), null);
        PricedBasket priced = price(program, "2026-03-02T08:00:00Z", new Line("home", "Acme", "50.00"),
                new Line("home", "Other", "50.00"), new Line("home", "Acme", "5.00"));
        assertThat(priced.lines()).extracting(l -> l.discount().toPlainString()).containsExactly("10.00", "0.00", "0.00");
        PricedBasket none = price(program, "2026-03-02T08:00:00Z", new Line("home", "Other", "50.00"));
        assertThat(applied(none)).isEmpty();
    }

    @Test
    void excludedCategoriesNeverGetARuleDiscountEvenWhenNamed() {
        ProgramDefinition program = program(rule("booze", "true",
                "{\"type\": \"PERCENT_DISCOUNT\", \"value\": 20, \"categories\": [\"alcohol\"]}", "STACK", 0, null), null);
        PricedBasket priced = price(program, "2026-03-02T08:00:00Z", new Line("alcohol", null, "100.00"));
        assertThat(priced.discountTotal()).isEqualByComparingTo("0");
        assertThat(applied(priced)).isEmpty();
    }

    /** Stacking and priority: (rules, expected applied ids in order, expected discount). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "higher priority exclusive stops the rest     | a:EXCLUSIVE:10:5,b:STACK:5:1              | a       | 10.00",
            "a tie keeps document order                   | a:EXCLUSIVE:10:5,b:EXCLUSIVE:20:5           | a       | 10.00",
            "a tie keeps document order (swapped)         | b:EXCLUSIVE:20:5,a:EXCLUSIVE:10:5           | b       | 20.00",
            "stack adds on what is left                   | a:STACK:10:5,b:STACK:10:1                   | a,b     | 19.00",
            "best of keeps only the largest               | a:BEST_OF:10:5,b:BEST_OF:15:1               | b       | 15.00",
            "best of then stack                           | a:BEST_OF:10:5,b:STACK:10:1                 | a,b     | 19.00",
            "lower priority exclusive does not stop above | a:STACK:10:5,b:EXCLUSIVE:10:1,c:STACK:50:0 | a,b     | 19.00",
    })
    void stackingAndPriority(String name, String rules, String expected, String discount) {
        List<String> json = new ArrayList<>();
        for (String r : rules.trim().split(",")) {
            String[] p = r.split(":");
            json.add(rule(p[0], "true", "{\"type\": \"PERCENT_DISCOUNT\", \"value\": " + p[2] + "}", p[1], Integer.parseInt(p[3]), null));
        }
        PricedBasket priced = price(program(String.join(",", json), null), "2026-03-02T08:00:00Z", new Line("home", null, "100.00"));
        assertThat(String.join(",", applied(priced))).isEqualTo(expected.trim());
        assertThat(priced.discountTotal()).isEqualByComparingTo(discount.trim());
    }

    @Test
    void aBestOfRuleCompetesWithTheTierDiscount() {
        String tiers = """
                {"basis": "SPEND_ALL_TIME", "levels": [
                  {"name": "Base", "threshold": 0, "discountPercent": 0, "earnMultiplier": 1},
                  {"name": "Gold", "threshold": 100, "discountPercent": 7, "earnMultiplier": 1}]}""";
        ProgramDefinition program = program(rule("five", "true", "{\"type\": \"PERCENT_DISCOUNT\", \"value\": 5}", "BEST_OF", 0, null)
                + "," + rule("twelve", "purchase.subtotal >= 500.0", "{\"type\": \"PERCENT_DISCOUNT\", \"value\": 12}", "BEST_OF", 0, null), tiers);
        TierStatus gold = new TierStatus(new BigDecimal("150"), program.tiers().levels().get(1), null, null, false, null);
        PricedBasket small = price(program, "2026-03-02T08:00:00Z", RuleLimits.NONE, gold, new Line("home", null, "100.00"));
        assertThat(applied(small)).containsExactly("tier");
        assertThat(small.discountTotal()).isEqualByComparingTo("7.00");
        PricedBasket large = price(program, "2026-03-02T08:00:00Z", RuleLimits.NONE, gold, new Line("home", null, "1000.00"));
        assertThat(applied(large)).containsExactly("twelve");
        assertThat(large.discountTotal()).isEqualByComparingTo("120.00");
    }

    @Test
    void pointsEffectsWorkOnTheMoneyPaidOnTheirLinesWithinCaps() {
        ProgramDefinition program = program(String.join(",",
                rule("double-acme", "true", "{\"type\": \"POINTS_MULTIPLIER\", \"value\": 2}", "STACK", 3,
                        "\"lineCondition\": \"line.brand == 'Acme'\""),
                rule("per-100", "true", "{\"type\": \"POINTS_PER_AMOUNT\", \"value\": 5, \"perAmount\": 100}", "STACK", 2, null),
                rule("bonus", "true", "{\"type\": \"BONUS_POINTS\", \"value\": 500}", "STACK", 1, "\"caps\": {\"perReceipt\": 200}")), null);
        PricedBasket priced = price(program, "2026-03-02T08:00:00Z", new Line("home", "Acme", "250.00"), new Line("home", null, "150.00"));
        // base 400/10 = 40; Acme x2 adds 25; 5 per whole 100 of 400 = 20; bonus 500 capped at 200
        assertThat(priced.pointsEarned()).isEqualTo(40 + 25 + 20 + 200);
        assertThat(applied(priced)).containsExactly("double-acme", "per-100", "bonus");
        assertThat(priced.ruleUses()).isEmpty();
    }

    @Test
    void perMemberCapsAndBudgetsFollowTheLimitsSeen() {
        ProgramDefinition program = program(String.join(",",
                rule("daily", "true", "{\"type\": \"BONUS_POINTS\", \"value\": 10}", "STACK", 0, "\"caps\": {\"perMemberPerDay\": 1}"),
                rule("budget", "true", "{\"type\": \"FIXED_DISCOUNT\", \"value\": 100}", "STACK", 0, "\"caps\": {\"budget\": 1000}")), null);
        RuleLimits fresh = limits(Map.of(), Map.of());
        PricedBasket first = price(program, "2026-03-02T08:00:00Z", fresh, null, new Line("home", null, "500.00"));
        assertThat(applied(first)).containsExactly("budget", "daily");
        assertThat(first.ruleUses()).extracting(u -> u.ruleId() + "=" + u.amount().toPlainString())
                .containsExactlyInAnyOrder("budget=100.00", "daily=10");
        RuleLimits used = limits(Map.of("daily", 1), Map.of("budget", new BigDecimal("970")));
        PricedBasket priced = price(program, "2026-03-02T08:00:00Z", used, null, new Line("home", null, "500.00"));
        assertThat(applied(priced)).containsExactly("budget");
        assertThat(priced.discountTotal()).isEqualByComparingTo("30.00");
        RuleLimits spent = limits(Map.of(), Map.of("budget", new BigDecimal("1000")));
        assertThat(applied(price(program, "2026-03-02T08:00:00Z", spent, null, new Line("home", null, "500.00"))))
                .containsExactly("daily");
    }

    private static RuleLimits limits(Map<String, Integer> dayUses, Map<String, BigDecimal> budgets) {
        return new RuleLimits() {
            @Override
            public int uses(String ruleId, Period period) {
                return dayUses.getOrDefault(ruleId, 0);
            }

            @Override
            public BigDecimal budgetUsed(String ruleId) {
                return budgets.getOrDefault(ruleId, BigDecimal.ZERO);
            }
        };
    }

    private static io.patron.coupons.CouponCheck coupon(long id, String code, io.patron.coupons.Campaign.EffectType type, String value,
                                                        io.patron.coupons.Campaign.Stacking stacking) {
        var campaign = new io.patron.coupons.Campaign(id, "C" + id, "Campaign " + id,
                new io.patron.coupons.Campaign.Effect(type, new BigDecimal(value), "SKU0"), 1, null, null, null, null, null, List.of(),
                List.of(), List.of(), stacking, null, io.patron.coupons.Campaign.Status.ACTIVE, "test", OffsetDateTime.now());
        var c = new io.patron.coupons.Coupon(id, id, code, null, 0, io.patron.coupons.Coupon.Status.ACTIVE, null, null,
                OffsetDateTime.now(), null);
        return new io.patron.coupons.CouponCheck(code, c, campaign, null);
    }

    private static PricedBasket priceWithCoupons(ProgramDefinition program, TierStatus tier, List<io.patron.coupons.CouponCheck> coupons,
                                                 Line... lines) {
        List<Basket.BasketLine> basketLines = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            BigDecimal price = new BigDecimal(lines[i].price());
            basketLines.add(new Basket.BasketLine(i, String.valueOf(i + 1), "SKU" + i, "Item " + i, lines[i].category(),
                    lines[i].brand(), BigDecimal.ONE, price, price));
        }
        Basket basket = new Basket("R-2", OffsetDateTime.parse("2026-03-02T08:00:00Z"), null, basketLines, List.of(), 0);
        Member member = member();
        PurchaseFacts facts = PurchaseFacts.of(basket, member, tier, MOSCOW, "S1", 3);
        return PRICING.price(basket, member, new PointsAccount(0, 0, 0, List.of()), new ActiveProgram(1, program), tier, facts,
                RuleLimits.NONE, coupons);
    }

    /** Coupon stacking against the tier: on top, the better of them, or alone among coupons; a free product. */
    @Test
    void couponsStackAsTheirCampaignSays() {
        String tiers = """
                {"basis": "SPEND_ALL_TIME", "levels": [
                  {"name": "Base", "threshold": 0, "discountPercent": 0, "earnMultiplier": 1},
                  {"name": "Gold", "threshold": 100, "discountPercent": 10, "earnMultiplier": 1}]}""";
        ProgramDefinition program = program("", tiers);
        TierStatus gold = new TierStatus(new BigDecimal("150"), program.tiers().levels().get(1), null, null, false, null);
        var stack = io.patron.coupons.Campaign.Stacking.STACK;
        var bestOf = io.patron.coupons.Campaign.Stacking.BEST_OF;
        var exclusive = io.patron.coupons.Campaign.Stacking.EXCLUSIVE;
        var fixed = io.patron.coupons.Campaign.EffectType.FIXED_DISCOUNT;
        var percent = io.patron.coupons.Campaign.EffectType.PERCENT_DISCOUNT;
        // On top of the tier: 10 % of 200 = 20, then 30 off what is left.
        PricedBasket onTop = priceWithCoupons(program, gold, List.of(coupon(1, "A", fixed, "30", stack)), new Line("home", null, "200.00"));
        assertThat(onTop.discountTotal()).isEqualByComparingTo("50.00");
        // The better of them: 15 % (30) beats the tier's 20 and replaces it; 5 % (10) does not and is refused.
        PricedBasket better = priceWithCoupons(program, gold, List.of(coupon(2, "B", percent, "15", bestOf)), new Line("home", null, "200.00"));
        assertThat(better.discountTotal()).isEqualByComparingTo("30.00");
        assertThat(better.appliedRules()).extracting(PricedBasket.AppliedRule::id).doesNotContain("tier");
        PricedBasket worse = priceWithCoupons(program, gold, List.of(coupon(3, "C", percent, "5", bestOf)), new Line("home", null, "200.00"));
        assertThat(worse.coupons().getFirst().reason()).isEqualTo("NOT_COMBINABLE");
        assertThat(worse.discountTotal()).isEqualByComparingTo("20.00");
        // An exclusive coupon after another coupon is refused; before one, the other is refused.
        PricedBasket second = priceWithCoupons(program, null, List.of(coupon(4, "D", fixed, "10", stack), coupon(5, "E", fixed, "10", exclusive)),
                new Line("home", null, "200.00"));
        assertThat(second.coupons()).extracting(PricedBasket.CouponResult::status).containsExactly("APPLIED", "REJECTED");
        // A free product takes one unit of its SKU off.
        PricedBasket free = priceWithCoupons(program, null, List.of(coupon(6, "F", io.patron.coupons.Campaign.EffectType.FREE_PRODUCT,
                "0", stack)), new Line("food", null, "7.50"), new Line("home", null, "100.00"));
        assertThat(free.lines().getFirst().discount()).isEqualByComparingTo("7.50");
        assertThat(free.discountTotal()).isEqualByComparingTo("7.50");
    }

    @Test
    void aConditionCannotRunAwayAComprehensionIsCutOff() {
        Map<String, Object> purchase = Map.of("categories", IntStream.range(0, 100_000).mapToObj(i -> (long) i).toList());
        assertThat(RuleConditions.problem("purchase.categories.all(x, x >= 0)")).isEmpty();
        // Past the iteration bound the evaluation fails, and a failed condition is false, never a hang.
        assertThat(RuleConditions.test("purchase.categories.all(x, x >= 0)", purchase, Map.of())).isFalse();
        Map<String, Object> small = Map.of("categories", List.of(1L, 2L));
        assertThat(RuleConditions.test("purchase.categories.all(x, x >= 0)", small, Map.of())).isTrue();
    }

    @Test
    void badRulesAreRefusedWithTheirField() {
        String document = """
                {"name": "Test", "currency": "RUB", "timeZone": "Europe/Moscow",
                 "earning": {"points": 1, "perAmount": 10, "rounding": "DOWN", "pendingDays": 0, "expiryMonths": 12},
                 "redemption": {"pointValue": 1, "maxShare": 0.5, "minBalance": 0},
                 "rules": [{"id": "x", "name": "x", "condition": "true", "lineCondition": "line.brand",
                            "schedule": {"weekdays": [8], "fromHour": 5},
                            "caps": {"perMemberPerDay": 0, "budget": -1},
                            "effect": {"type": "POINTS_PER_AMOUNT", "value": 5}, "stacking": "STACK"}]}""";
        ProgramDefinition definition = JSON.readValue(document, ProgramDefinition.class);
        assertThat(definition.problems()).extracting(io.patron.common.FieldViolation::field).containsExactlyInAnyOrder(
                "rules[0].lineCondition", "rules[0].effect.perAmount", "rules[0].schedule.weekdays",
                "rules[0].schedule.fromHour", "rules[0].caps.budget", "rules[0].caps.perMemberPerDay");
    }

    /**
     * A misspelt field is refused when the programme is saved: it used to become a version and make its
     * rule silently false at every till (an evaluation error counts as false). The declared fields are
     * exactly what the till gives.
     */
    @Test
    void aConditionNamingAFieldTheTillDoesNotGiveIsRefusedWhenSaved() {
        BigDecimal ten = BigDecimal.TEN;
        Basket basket = new Basket("R-1", OffsetDateTime.parse("2026-03-02T09:00:00Z"), null,
                List.of(new Basket.BasketLine(0, "1", "SKU", "Item", "home", "Brand", BigDecimal.ONE, ten, ten)), List.of(), 0);
        PurchaseFacts facts = PurchaseFacts.of(basket, member(), null, MOSCOW, "S1", 3);
        assertThat(facts.purchase().keySet()).containsExactlyInAnyOrderElementsOf(RuleConditions.PURCHASE_FIELDS);
        assertThat(facts.member().keySet()).containsExactlyInAnyOrderElementsOf(RuleConditions.MEMBER_FIELDS);
        assertThat(PurchaseFacts.line(basket.lines().get(0)).keySet()).containsExactlyInAnyOrderElementsOf(RuleConditions.LINE_FIELDS);

        assertThat(RuleConditions.problem("purchase.subtotl >= 1000.0"))
                .hasValueSatisfying(p -> assertThat(p).contains("subtotl").contains("purchase has subtotal"));
        assertThat(RuleConditions.problem("member.tierr == 'Gold'")).isPresent();
        assertThat(RuleConditions.problem("has(purchase.coupon)")).isPresent();
        assertThat(RuleConditions.lineProblem("line.categry == 'home'")).isPresent();
        assertThat(RuleConditions.problem("line.category == 'home'")).as("line only in line conditions").isPresent();
        for (String fine : List.of("'PENSIONER' in member.categories && purchase.weekday <= 5 && purchase.hour < 12",
                "member.daysSinceBirthday >= 0 && member.daysSinceBirthday < 7", "purchase.subtotal >= 1000.0 && member.present == true",
                "purchase.categories.exists(c, c == 'home')", "member.tier == 'Gold' || 'VIP' in member.segments",
                "purchase.subtotal >= 1000 && purchase.date >= '2026-01-01'")) {
            assertThat(RuleConditions.problem(fine)).as(fine).isEmpty();
        }
        assertThat(RuleConditions.lineProblem("line.category == 'home' && line.amount > 100.0 && purchase.subtotal > 0.0")).isEmpty();

        ProgramDefinition misspelt = JSON.readValue("""
                {"name": "Test", "currency": "RUB", "timeZone": "Europe/Moscow",
                 "earning": {"points": 1, "perAmount": 10, "rounding": "DOWN", "pendingDays": 0, "expiryMonths": 12},
                 "redemption": {"pointValue": 1, "maxShare": 0.5, "minBalance": 0},
                 "rules": [%s]}""".formatted(rule("next-visit", "purchase.subtotl >= 1000.0", "{\"type\": \"BONUS_POINTS\", \"value\": 10}",
                "STACK", 1, null)), ProgramDefinition.class);
        assertThat(misspelt.problems()).anySatisfy(p -> assertThat(p.field()).isEqualTo("rules[0].condition"));
    }

}
