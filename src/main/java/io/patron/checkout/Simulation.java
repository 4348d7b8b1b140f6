package io.patron.checkout;

import io.patron.checkout.internal.Pricing;
import io.patron.checkout.internal.PurchaseFacts;
import io.patron.checkout.internal.PurchaseRepository.StoredLine;
import io.patron.checkout.internal.PurchaseRepository.StoredPurchase;
import io.patron.checkout.internal.RuleLimits;
import io.patron.ledger.PointsAccount;
import io.patron.members.Member;
import io.patron.program.ActiveProgram;
import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One programme run over recorded history in memory, the way the tills and the ledger would have run
 * it: the same pricing pipeline, tiers derived by the same rule ({@link Tiers#status}), caps and
 * budgets counted here, points earned into lots that mature and expire, returns reversing points by
 * the same proportions as {@link Checkout}. Nothing is written. Memory: per member their lots and
 * the purchases their tier still depends on (older ones are folded into a sum), and the purchases of
 * the last {@value #RETURNABLE_DAYS} days (a later return of an older purchase is not simulated).
 */
final class Simulation {

    static final int RETURNABLE_DAYS = 180;
    private static final OffsetDateTime NEVER = OffsetDateTime.parse("9999-12-31T00:00:00Z");

    private final ActiveProgram program;
    private final ProgramDefinition definition;
    private final Pricing pricing;
    private final Map<Long, MemberState> members = new HashMap<>();
    private final LinkedHashMap<Long, Sale> sales = new LinkedHashMap<>();
    private final Map<String, BigDecimal> budgets = new HashMap<>();
    private final Map<String, RuleStats> rules = new LinkedHashMap<>();
    long receipts;
    long memberReceipts;
    long affectedReceipts;
    BigDecimal discountTotal = BigDecimal.ZERO.setScale(2);
    BigDecimal subtotal = BigDecimal.ZERO.setScale(2);
    long pointsIssued;
    long pointsReversed;
    long pointsExpired;
    long returnsSimulated;
    long returnsOutsideWindow;

    Simulation(ActiveProgram program, Pricing pricing) {
        this.program = program;
        this.definition = program.definition();
        this.pricing = pricing;
    }

    ProgramDefinition definition() {
        return definition;
    }

    /** What a member brought from before the simulated period: the running totals of their history, purchase count. */
    record Prior(TierBuckets buckets, long purchaseCount) {
    }

    /** Prices one recorded sale under this programme and books what it gives. */
    void sale(long purchaseId, Basket basket, Member member, Prior prior, ZoneId storeZone, String storeCode) {
        OffsetDateTime at = basket.occurredAt();
        MemberState state = member == null ? null : state(member, prior);
        TierStatus tier = null;
        PointsAccount account = null;
        PurchaseFacts facts;
        if (state != null) {
            state.expire(at, this);
            tier = Tiers.status(definition, at, state.buckets, null);
            account = state.account(at);
            facts = PurchaseFacts.of(basket, member, tier, storeZone, storeCode, state.purchaseCount);
        } else {
            facts = PurchaseFacts.of(basket, null, null, storeZone, storeCode, -1);
        }
        PricedBasket priced = pricing.price(basket, member, account, program, tier, facts, limits(state, at), List.of());
        receipts++;
        subtotal = subtotal.add(priced.subtotal());
        discountTotal = discountTotal.add(priced.discountTotal());
        boolean affected = priced.discountTotal().signum() > 0;
        for (PricedBasket.AppliedRule rule : priced.appliedRules()) {
            affected |= !rule.id().equals("base-earning");
            RuleStats stats = rules.computeIfAbsent(rule.id(), id -> new RuleStats(rule.name()));
            stats.receipts++;
            stats.discount = stats.discount.add(rule.discount());
            stats.points += rule.points();
            if (member != null) {
                stats.members.add(member.id().value());
            }
        }
        if (affected) {
            affectedReceipts++;
        }
        for (PricedBasket.RuleUse use : priced.ruleUses()) {
            budgets.merge(use.ruleId(), use.amount(), BigDecimal::add);
            if (state != null) {
                state.uses.computeIfAbsent(use.ruleId(), k -> new ArrayList<>()).add(at);
            }
        }
        if (state == null) {
            return;
        }
        memberReceipts++;
        state.bought = true;
        state.purchaseCount++;
        YearMonth month = TierBuckets.monthOf(at, definition.zone());
        state.buckets.add(month, priced.subtotal().subtract(priced.discountTotal()), priced.pointsEarned());
        var earning = definition.earning();
        OffsetDateTime availableFrom = at.plusDays(earning.pendingDays());
        OffsetDateTime expiresAt = at.plusMonths(earning.expiryMonths());
        if (priced.pointsEarned() > 0) {
            state.earn(purchaseId, priced.pointsEarned(), availableFrom, expiresAt);
            pointsIssued += priced.pointsEarned();
        }
        Long referrerId = null;
        if (priced.referrerPoints() > 0 && member.referredBy() != null) {
            referrerId = member.referredBy().value();
            MemberState referrer = members.computeIfAbsent(referrerId, id -> new MemberState(null, new Prior(TierBuckets.empty(), 0)));
            referrer.expire(at, this);
            referrer.earn(purchaseId, priced.referrerPoints(), availableFrom, expiresAt);
            pointsIssued += priced.referrerPoints();
        }
        List<StoredLine> lines = new ArrayList<>();
        for (int i = 0; i < priced.lines().size(); i++) {
            PricedBasket.PricedLine l = priced.lines().get(i);
            lines.add(new StoredLine(i, l.line().lineId(), l.line().quantity(), l.amount(), l.discount(), l.pointsValue(), l.paid(),
                    !l.excluded()));
        }
        sales.put(purchaseId, new Sale(member, new StoredPurchase(purchaseId, 0, basket.receiptId(), member.id().value(),
                at, priced.pointsRedeemed(), priced.pointsValue(), priced.pointsEarned(), priced.eligiblePaid(), "", "",
                referrerId, referrerId == null ? 0 : priced.referrerPoints(), program.version(), null, false), lines, month,
                basket.lines(), tier, state.purchaseCount - 1, storeZone, storeCode));
        forgetOldSales(at);
    }

    /** A recorded return of a simulated purchase: the sale keeps what its rest earns, as at the till ({@link ReturnSettlement}). */
    void giveBack(long purchaseId, OffsetDateTime at, Map<Integer, BigDecimal> quantities) {
        Sale sale = sales.get(purchaseId);
        if (sale == null) {
            returnsOutsideWindow++;
            return;
        }
        returnsSimulated++;
        Map<Integer, BigDecimal> after = new HashMap<>(sale.returned);
        quantities.forEach((line, q) -> after.merge(line, q, BigDecimal::add));
        for (StoredLine line : sale.lines) {
            if (after.getOrDefault(line.lineNo(), BigDecimal.ZERO).compareTo(line.quantity()) > 0) {
                after.put(line.lineNo(), line.quantity());
            }
        }
        Checkout.Shares was = Checkout.Shares.of(sale.lines, sale.returned, sale.purchase);
        Checkout.Shares will = Checkout.Shares.of(sale.lines, after, sale.purchase);
        sale.returned.clear();
        sale.returned.putAll(after);
        MemberState state = members.get(sale.member.id().value());
        state.expire(at, this);
        ReturnSettlement.Kept kept = ReturnSettlement.kept(new ReturnSettlement.Grants(sale.purchase.pointsEarned(), Map.of(), Map.of(),
                        sale.purchase.referrerPoints()), sale.lines, after, sale.purchase.eligiblePaid(), () -> remainder(sale, state, at),
                code -> code);
        long due = Math.max(0, sale.purchase.pointsEarned() - kept.points() - sale.taken);
        long[] reversal = state.reverse(sale.purchase.id(), due, sale.forgiven, at);
        sale.forgiven += reversal[1];
        sale.taken += reversal[0] + reversal[1];
        pointsReversed += reversal[0];
        state.buckets.add(sale.month, will.refundedAmount().subtract(was.refundedAmount()).negate(), -(reversal[0] + reversal[1]));
        if (sale.purchase.referrerPoints() > 0 && !sale.referralReversed && !kept.referral()) {
            sale.referralReversed = true;
            MemberState referrer = members.get(sale.purchase.referrerId());
            referrer.expire(at, this);
            pointsReversed += referrer.reverse(sale.purchase.id(), sale.purchase.referrerPoints(), 0, at)[0];
        }
    }

    /** The rest of a simulated sale priced again as it was sold (see {@link ReturnSettlement}). */
    private PricedBasket remainder(Sale sale, MemberState state, OffsetDateTime at) {
        if (!sale.member.active()) {
            return null;
        }
        Basket rest = ReturnSettlement.remainingBasket(sale.purchase.receiptId(), sale.purchase.occurredAt(), sale.basketLines, sale.returned);
        PurchaseFacts facts = PurchaseFacts.of(rest, sale.member, sale.tier, sale.zone, sale.storeCode, sale.countBefore);
        return pricing.price(rest, sale.member, state.account(at), program, sale.tier, facts, RuleLimits.NONE, List.of());
    }

    private void forgetOldSales(OffsetDateTime now) {
        OffsetDateTime horizon = now.minusDays(RETURNABLE_DAYS);
        Iterator<Sale> it = sales.values().iterator();
        while (it.hasNext()) {
            Sale sale = it.next();
            if (!sale.purchase.occurredAt().isBefore(horizon)) {
                break;
            }
            it.remove();
        }
    }

    private MemberState state(Member member, Prior prior) {
        MemberState state = members.get(member.id().value());
        if (state == null || state.member == null) {
            MemberState fresh = new MemberState(member, prior);
            if (state != null) {
                fresh.lots.addAll(state.lots);
            }
            members.put(member.id().value(), fresh);
            return fresh;
        }
        return state;
    }

    boolean knows(long memberId) {
        MemberState state = members.get(memberId);
        return state != null && state.member != null;
    }

    private RuleLimits limits(MemberState state, OffsetDateTime at) {
        ZoneId zone = definition.zone();
        return new RuleLimits() {
            @Override
            public int uses(String ruleId, Period period) {
                List<OffsetDateTime> times = state == null ? null : state.uses.get(ruleId);
                if (times == null) {
                    return 0;
                }
                OffsetDateTime[] span = period.around(at, zone);
                return (int) times.stream().filter(t -> !t.isBefore(span[0]) && t.isBefore(span[1])).count();
            }

            @Override
            public BigDecimal budgetUsed(String ruleId) {
                return budgets.getOrDefault(ruleId, BigDecimal.ZERO);
            }
        };
    }

    /** The figures at the period's end: expiry up to then, liability, tiers of the members who bought. */
    Result finish(OffsetDateTime end) {
        long liability = 0;
        Map<String, Long> tiers = new LinkedHashMap<>();
        if (definition.tiers() != null) {
            definition.tiers().levels().forEach(t -> tiers.put(t.name(), 0L));
        }
        for (MemberState state : members.values()) {
            state.expire(end, this);
            liability += state.lots.stream().mapToLong(l -> l.remaining).sum();
            if (state.bought && definition.tiers() != null) {
                TierStatus status = Tiers.status(definition, end, state.buckets, null);
                tiers.merge(status.tier().name(), 1L, Long::sum);
            }
        }
        BigDecimal money = definition.redemption().pointValue().multiply(BigDecimal.valueOf(liability)).setScale(2, RoundingMode.DOWN);
        List<Result.RuleResult> ruleResults = rules.entrySet().stream()
                .map(e -> new Result.RuleResult(e.getKey(), e.getValue().name, e.getValue().receipts, e.getValue().members.size(),
                        e.getValue().discount, e.getValue().points))
                .sorted(Comparator.comparing(Result.RuleResult::id)).toList();
        BigDecimal average = receipts == 0 ? BigDecimal.ZERO.setScale(2)
                : discountTotal.divide(BigDecimal.valueOf(receipts), 2, RoundingMode.HALF_UP);
        return new Result(program.version(), definition.name(), definition.currency(), receipts, memberReceipts, affectedReceipts,
                subtotal, discountTotal, average, pointsIssued, pointsReversed, pointsExpired, liability, money,
                tiers.entrySet().stream().map(e -> new Result.TierCount(e.getKey(), e.getValue())).toList(), ruleResults,
                returnsSimulated, returnsOutsideWindow);
    }

    /** One programme's figures for the period. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "SimulationResult")
    record Result(int version, String name, String currency, long receipts, long memberReceipts, long affectedReceipts,
                  BigDecimal subtotal, BigDecimal discountTotal, BigDecimal averageDiscountPerReceipt, long pointsIssued,
                  long pointsReversed, long pointsExpired, long liabilityPoints, BigDecimal liabilityMoney, List<TierCount> tiers,
                  List<RuleResult> rules, long returnsSimulated, long returnsOutsideWindow) {

        @io.swagger.v3.oas.annotations.media.Schema(name = "SimulatedTierCount")
        record TierCount(String tier, long members) {
        }

        /** A rule's cost and reach: receipts and members it applied to, money off and points given. */
        record RuleResult(String id, String name, long receipts, long members, BigDecimal discount, long points) {
        }
    }

    private static final class RuleStats {
        final String name;
        final Set<Long> members = new HashSet<>();
        long receipts;
        BigDecimal discount = BigDecimal.ZERO.setScale(2);
        long points;

        RuleStats(String name) {
            this.name = name;
        }
    }

    private static final class Sale {
        final Member member;
        final StoredPurchase purchase;
        final List<StoredLine> lines;
        final YearMonth month;
        final List<Basket.BasketLine> basketLines;
        final TierStatus tier;
        final long countBefore;
        final ZoneId zone;
        final String storeCode;
        final Map<Integer, BigDecimal> returned = new TreeMap<>();
        long forgiven;
        long taken;
        boolean referralReversed;

        Sale(Member member, StoredPurchase purchase, List<StoredLine> lines, YearMonth month, List<Basket.BasketLine> basketLines,
             TierStatus tier, long countBefore, ZoneId zone, String storeCode) {
            this.member = member;
            this.purchase = purchase;
            this.lines = lines;
            this.month = month;
            this.basketLines = basketLines;
            this.tier = tier;
            this.countBefore = countBefore;
            this.zone = zone;
            this.storeCode = storeCode;
        }
    }

    private static final class Lot {
        final long purchaseId;
        final OffsetDateTime availableFrom;
        final OffsetDateTime expiresAt;
        final long order;
        long remaining;
        long expired;

        Lot(long purchaseId, long points, OffsetDateTime availableFrom, OffsetDateTime expiresAt, long order) {
            this.purchaseId = purchaseId;
            this.remaining = points;
            this.availableFrom = availableFrom;
            this.expiresAt = expiresAt;
            this.order = order;
        }
    }

    /** A member as the simulation knows them: their tier measure, lots, cap uses. */
    private final class MemberState {
        final Member member;
        final List<Lot> lots = new ArrayList<>();
        final Map<String, List<OffsetDateTime>> uses = new HashMap<>();
        final TierBuckets buckets;
        long purchaseCount;
        long lotOrder;
        boolean bought;

        MemberState(Member member, Prior prior) {
            this.member = member;
            this.buckets = prior.buckets();
            this.purchaseCount = prior.purchaseCount();
        }

        PointsAccount account(OffsetDateTime at) {
            long available = 0;
            long pending = 0;
            long total = 0;
            for (Lot lot : lots) {
                total += lot.remaining;
                if (!lot.availableFrom.isAfter(at) && lot.expiresAt.isAfter(at)) {
                    available += lot.remaining;
                } else if (lot.availableFrom.isAfter(at) && lot.expiresAt.isAfter(at)) {
                    pending += lot.remaining;
                }
            }
            return new PointsAccount(total, available, pending, List.of());
        }

        void expire(OffsetDateTime at, Simulation simulation) {
            for (Lot lot : lots) {
                if (lot.remaining > 0 && !lot.expiresAt.isAfter(at)) {
                    simulation.pointsExpired += lot.remaining;
                    lot.expired += lot.remaining;
                    lot.remaining = 0;
                }
            }
        }

        /** New points first pay off debts, as the ledger does. */
        void earn(long purchaseId, long points, OffsetDateTime availableFrom, OffsetDateTime expiresAt) {
            Lot lot = new Lot(purchaseId, points, availableFrom, expiresAt, lotOrder++);
            for (Lot debt : lots) {
                if (lot.remaining == 0) {
                    break;
                }
                if (debt.remaining < 0) {
                    long settle = Math.min(lot.remaining, -debt.remaining);
                    debt.remaining += settle;
                    lot.remaining -= settle;
                }
            }
            lots.add(lot);
            lots.removeIf(l -> l.remaining == 0 && l.expired == 0 && l != lot && l.purchaseId == 0);
        }

        /**
         * Takes back earned points as {@code Ledger.reverseEarning} does: from the purchase's own lot,
         * what that lot lost to expiry forgiven, then pending lots, then available ones, the rest a debt.
         * Answers {reversed, forgiven}.
         */
        long[] reverse(long purchaseId, long points, long forgivenBefore, OffsetDateTime at) {
            if (points <= 0) {
                return new long[] {0, 0};
            }
            Lot own = lots.stream().filter(l -> l.purchaseId == purchaseId && l.remaining >= 0).findFirst().orElse(null);
            long fromOwn = own == null ? 0 : Math.min(points, Math.max(0, own.remaining));
            long left = points - fromOwn;
            long forgivable = own == null ? 0 : Math.max(0, own.expired - forgivenBefore);
            long forgiven = Math.min(left, forgivable);
            long reversed = points - forgiven;
            if (reversed == 0) {
                return new long[] {0, forgiven};
            }
            if (own != null) {
                own.remaining -= fromOwn;
            }
            long missing = reversed - fromOwn;
            List<Lot> order = new ArrayList<>();
            lots.stream().filter(l -> l.remaining > 0 && l.availableFrom.isAfter(at) && l.expiresAt.isAfter(at))
                    .sorted(Comparator.comparing((Lot l) -> l.expiresAt).thenComparingLong(l -> l.order)).forEach(order::add);
            lots.stream().filter(l -> l.remaining > 0 && !l.availableFrom.isAfter(at) && l.expiresAt.isAfter(at))
                    .sorted(Comparator.comparing((Lot l) -> l.expiresAt).thenComparingLong(l -> l.order)).forEach(order::add);
            for (Lot lot : order) {
                if (missing == 0) {
                    break;
                }
                long take = Math.min(missing, lot.remaining);
                lot.remaining -= take;
                missing -= take;
            }
            if (missing > 0) {
                lots.add(new Lot(0, -missing, at, NEVER, lotOrder++));
            }
            return new long[] {reversed, forgiven};
        }
    }
}
