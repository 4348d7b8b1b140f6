package io.patron.checkout;

import io.patron.checkout.internal.Pricing;
import io.patron.checkout.internal.PurchaseFacts;
import io.patron.checkout.internal.RuleLimits;
import io.patron.checkout.internal.RuleUses;
import io.patron.coupons.Campaign;
import io.patron.coupons.CouponCheck;
import io.patron.coupons.CouponGuard;
import io.patron.coupons.Coupons;
import io.patron.coupons.IssuedCoupon;
import io.patron.coupons.Rejection;
import java.util.ArrayList;
import io.patron.stores.Store;
import io.patron.stores.StoreId;
import io.patron.stores.Stores;
import io.patron.checkout.internal.PurchaseRepository;
import io.patron.checkout.internal.PurchaseRepository.StoredLine;
import io.patron.checkout.internal.PurchaseRepository.StoredPurchase;
import io.patron.checkout.internal.PurchaseRepository.StoredReturn;
import io.patron.common.Caller;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Secrets;
import io.patron.common.Validation;
import io.patron.ledger.Ledger;
import io.patron.ledger.PointsAccount;
import io.patron.members.CardNumber;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.MemberStatus;
import io.patron.members.Members;
import io.patron.program.ActiveProgram;
import io.patron.program.Programs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The till's side of the programme: quote a basket (no side effects), commit it exactly once per
 * store and receipt id, and take goods back. A commit for a member runs under that member's ledger
 * lock, so redemptions serialise per member while different members' commits never wait for each
 * other. A retried commit or return answers the stored answer; a different body under a recorded id
 * is a conflict.
 */
@Service
public class Checkout {

    private static final int RESOLVE_ATTEMPTS_MAX = 3;
    private static final int BUDGET_ATTEMPTS_MAX = 5;
    private static final Pattern ID = Pattern.compile("[\\p{Alnum}._:/#-]{1,64}");

    private final Members members;
    private final Ledger ledger;
    private final Programs programs;
    private final Pricing pricing;
    private final Stores stores;
    private final Map<Long, Store> storeCache = new java.util.concurrent.ConcurrentHashMap<>();
    private final Tiers tiers;
    private final PurchaseRepository purchases;
    private final RuleUses ruleUses;
    private final Coupons coupons;
    private final CouponGuard couponGuard;
    private final io.patron.draws.Draws draws;
    private final io.patron.segments.Segments segments;
    private final org.springframework.context.MessageSource messages;
    private final TransactionTemplate transactions;
    private final io.patron.events.Events events;
    public static final String PURCHASE_RECORDED = "purchase.recorded";
    public static final String RETURN_RECORDED = "return.recorded";
    private final JsonMapper json;
    private final Clock clock;
    private final int offlineDays;

    private final io.patron.checkout.internal.CashierPrompts prompts;
    private final io.patron.checkout.internal.MemberGate memberGate;
    private final io.patron.checkout.internal.MemberTotals totals;
    private final io.patron.checkout.internal.GroupCommit groupCommit;
    private final RedemptionCodes codes;
    private final io.patron.fraud.FraudCases fraud;

    Checkout(Members members, Ledger ledger, Programs programs, Pricing pricing, Stores stores, Tiers tiers, PurchaseRepository purchases,
             RuleUses ruleUses, Coupons coupons, CouponGuard couponGuard, io.patron.draws.Draws draws,
             io.patron.segments.Segments segments,
             org.springframework.context.MessageSource messages,
             TransactionTemplate transactions, io.patron.events.Events events, JsonMapper json, Clock clock,
             @Value("${patron.checkout.offline-days:30}") int offlineDays, io.patron.checkout.internal.CashierPrompts prompts,
             io.patron.checkout.internal.MemberGate memberGate, io.patron.checkout.internal.MemberTotals totals,
             io.patron.checkout.internal.GroupCommit groupCommit, RedemptionCodes codes, io.patron.fraud.FraudCases fraud) {
        this.groupCommit = groupCommit;
        this.fraud = fraud;
        this.codes = codes;
        this.totals = totals;
        this.prompts = prompts;
        this.memberGate = memberGate;
        this.members = members;
        this.ledger = ledger;
        this.programs = programs;
        this.pricing = pricing;
        this.stores = stores;
        this.tiers = tiers;
        this.purchases = purchases;
        this.ruleUses = ruleUses;
        this.coupons = coupons;
        this.couponGuard = couponGuard;
        this.draws = draws;
        this.segments = segments;
        this.messages = messages;
        this.transactions = transactions;
        this.events = events;
        this.json = json;
        this.clock = clock;
        this.offlineDays = offlineDays;
    }

    /** Prices a basket as a commit would, without writing anything. */
    public PurchaseResponse quote(Caller.Till till, PurchaseRequest request) {
        OffsetDateTime now = now();
        Basket basket = Basket.from(request, now, offlineDays);
        Buyer buyer = resolve(basket);
        PointsAccount account = buyer == null ? null : ledger.account(buyer.member().id(), now);
        ActiveProgram program = programs.active();
        Member member = buyer == null ? null : buyer.member();
        TierStatus tier = member == null ? null : tiers.status(member.id(), program.definition(), now);
        Long memberId = member == null ? null : member.id().value();
        List<CouponCheck> checks = couponChecks(till.tillId(), basket, memberId);
        PricedBasket priced = pricing.price(basket, member, account, program, tier, facts(till.storeId(), basket, member, tier, program),
                ruleUses.limits(memberId, program.definition(), basket.occurredAt()), checks);
        countUnknownCoupons(till.tillId(), memberId, priced);
        priced = prompts.complete(priced, member, tier, account, program.definition(), now);
        PurchaseResponse response = PurchaseResponse.of(null, basket, priced, buyer == null ? null : summary(buyer, account), false);
        return buyer != null && program.definition().redemption().codeRequired(basket.pointsToRedeem(), basket.byPhone())
                ? response.withCodeRequired() : response;
    }

    /**
     * Sends the member a one-time code for spending points at this till, when a quote answered that the
     * commit needs one.
     */
    public RedemptionCodes.Sent sendRedemptionCode(Caller.Till till, RedemptionCodeRequest request) {
        io.patron.common.Validation v = new io.patron.common.Validation();
        PurchaseRequest.MemberRef ref = request == null ? null : request.member();
        boolean card = ref != null && ref.cardNumber() != null && !ref.cardNumber().isBlank();
        boolean phone = ref != null && ref.phone() != null && !ref.phone().isBlank();
        if (!card && !phone) {
            v.reject("member", "give cardNumber or phone");
        } else if (card && ref.cardNumber().length() > Basket.ID_MAX || phone && ref.phone().length() > 32) {
            v.reject(card ? "member.cardNumber" : "member.phone", "too long");
        }
        long points = request == null || request.pointsToRedeem() == null ? 0 : request.pointsToRedeem();
        if (points < 1 || points > Basket.POINTS_MAX) {
            v.reject("pointsToRedeem", "must be between 1 and " + Basket.POINTS_MAX);
        }
        v.throwIfInvalid();
        return codes.send(resolve(ref).member(), till.tillId(), points);
    }

    /** Records a sale once; the answer is JSON, either new or the stored one of an earlier identical request. */
    public Answer commit(Caller.Till till, PurchaseRequest request) {
        OffsetDateTime now = now();
        Basket basket = Basket.from(request, now, offlineDays);
        String hash = Secrets.sha256(json.writeValueAsString(request));
        Optional<StoredPurchase> earlier = purchases.findByReceipt(till.storeId(), basket.receiptId());
        if (earlier.isPresent()) {
            return replay(earlier.get(), hash);
        }
        Long codeId = null;
        if (basket.member() != null && programs.active().definition().redemption().codeRequired(basket.pointsToRedeem(), basket.byPhone())) {
            // The member confirms spending with the code they were sent: checked (and a wrong one counted) before the sale.
            Buyer buyer = resolve(basket);
            codeId = codes.check(buyer.member().id().value(), till.tillId(), basket.pointsToRedeem(), request.redemptionCode());
        }
        String who = basket.member() == null ? null
                : basket.member().cardNumber() != null ? "card:" + basket.member().cardNumber() : "phone:" + basket.member().phone();
        Sale sale = new Sale(till.storeId(), till.tillId(), basket, hash, SaleKind.TILL, now, codeId);
        try (io.patron.checkout.internal.MemberGate.Pass pass = memberGate.enter(who)) {
            if (groupCommit.enabled()) {
                return groupCommit.submit(who == null ? "" : who, () -> record(sale, null));
            }
            return transactions.execute(status -> record(sale, null));
        } catch (io.patron.checkout.internal.ReceiptTaken | ProblemException e) {
            // The same receipt was committed by a concurrent request meanwhile (a till's retry racing its
            // first attempt, which may have changed the balance this one was priced on): answer as the
            // retry of a recorded sale is answered. Otherwise the refusal stands.
            Optional<StoredPurchase> recorded = purchases.findByReceipt(till.storeId(), basket.receiptId());
            if (recorded.isPresent()) {
                return replay(recorded.get(), hash);
            }
            if (e instanceof ProblemException problem) {
                throw problem;
            }
            throw ProblemException.conflict("REQUEST_IN_PROGRESS", "This receipt is being recorded by another request; retry in a moment.", null);
        }
    }

    /**
     * Records a sale of a history replay, as if a till of the store had sent it at its own time: the
     * programme prices it and the ledger moves at {@code basket.occurredAt()}. Runs in the caller's
     * transaction; a receipt already recorded is left alone (null).
     */
    Answer recordHistorySale(long storeId, Basket basket, Member member) {
        if (purchases.findByReceipt(storeId, basket.receiptId()).isPresent()) {
            return null;
        }
        Buyer buyer = member == null ? null
                : new Buyer(member, members.primaryCard(member.id()).map(c -> c.number().value()).orElse(null));
        return record(new Sale(storeId, null, basket, "", SaleKind.REPLAY, basket.occurredAt(), null), buyer);
    }

    /** Takes goods back in a history replay, at the return's own time, in the caller's transaction. */
    Answer recordHistoryReturn(long storeId, StoredPurchase purchase, ReturnRequest request, Map<String, BigDecimal> quantities) {
        if (purchases.findReturn(storeId, request.returnId()).isPresent()) {
            return null;
        }
        return recordReturn(storeId, purchase, request, quantities, "", SaleKind.REPLAY, request.occurredAt());
    }

    /**
     * A sale as written: who sells it, of which kind, its request's hash (for retries), when it arrived
     * and the one-time code that confirmed spending points, if one was needed.
     */
    private record Sale(long storeId, Long tillId, Basket basket, String hash, SaleKind kind, OffsetDateTime now, Long codeId) {
    }

    /** The buyer found and locked, with their points and history as the sale sees them (all null when anonymous). */
    private record LockedBuyer(Buyer buyer, PointsAccount account, TierStatus tier, PurchaseFacts facts) {
        Member member() {
            return buyer == null ? null : buyer.member();
        }

        Long memberId() {
            return buyer == null ? null : buyer.member().id().value();
        }
    }

    /** What the sale hands out with its receipt: coupons for the next visit and draw tickets. */
    private record Rewards(List<IssuedCoupon> coupons, List<io.patron.draws.Draws.Issued> tickets) {
    }

    /**
     * Records a sale as a short pipeline: find and lock the buyer, price the basket (taking coupons'
     * uses and capped rules' budgets), hand out the receipt's coupons and tickets, write the sale with
     * its answer, move the points, and note the event that what reacts to the sale works from after the
     * commit. Runs in the caller's transaction.
     */
    private Answer record(Sale sale, Buyer preset) {
        ActiveProgram program = programs.active();
        LockedBuyer buyer = findAndLockBuyer(sale, preset, program);
        long id = purchases.nextPurchaseId();
        if (sale.kind() == SaleKind.TILL && sale.basket().pointsToRedeem() > 0 && buyer.memberId() != null) {
            Optional<String> held = fraud.heldReason(buyer.memberId());
            if (held.isPresent()) {
                throw ProblemException.unprocessable("REDEMPTIONS_HELD", held.get() + ". The member earns points as usual; "
                        + "support can release the hold.", "pointsToRedeem");
            }
        }
        if (sale.codeId() != null && !codes.use(sale.codeId(), id, sale.now())) {
            throw ProblemException.unprocessable("REDEMPTION_CODE_INVALID", "This code was used a moment ago; ask for a new one.", "redemptionCode");
        }
        PricedBasket priced = priceAndReserve(sale, buyer, program, id);
        Rewards rewards = handOut(sale, buyer, program, priced, id);
        var earning = program.definition().earning();
        // Pending counts from the later of the sale's time and its arrival: a backdated sale must not
        // skip the return window (its points would be spent before a return could reverse them).
        OffsetDateTime availableFrom = later(sale.basket().occurredAt(), sale.now()).plusDays(earning.pendingDays());
        OffsetDateTime expiresAt = sale.basket().occurredAt().plusMonths(earning.expiryMonths());
        priced = withReceiptLines(priced, buyer, program, rewards);
        priced = prompts.complete(priced, buyer.member(), buyer.tier(), buyer.account(), program.definition(), sale.now());
        String response = json.writeValueAsString(PurchaseResponse.of(id, sale.basket(), priced,
                memberAfter(buyer, priced, availableFrom, sale.now()), true, rewards.coupons(), rewards.tickets()));
        writeSale(sale, buyer, program, priced, id, response);
        movePoints(sale, buyer, priced, id, availableFrom, expiresAt);
        if (sale.kind() == SaleKind.TILL) {
            noteRecorded(sale, buyer, priced, rewards, id);
        }
        return new Answer(response, false);
    }

    /**
     * Step 1: the buyer, their account locked until the transaction ends, their tier and what the
     * rules see of them. The member may have been merged away while this sale waited for their lock
     * (the merge holds it): then the card belongs to the survivor, whose lock is taken instead.
     */
    private LockedBuyer findAndLockBuyer(Sale sale, Buyer preset, ActiveProgram program) {
        Buyer buyer = preset != null ? preset : resolve(sale.basket());
        PointsAccount account = buyer == null ? null : ledger.lock(buyer.member().id(), sale.now());
        for (int attempt = 0; buyer != null && preset == null && attempt < RESOLVE_ATTEMPTS_MAX; attempt++) {
            Buyer current = resolve(sale.basket());
            if (current.member().id().equals(buyer.member().id())) {
                break;
            }
            buyer = current;
            account = ledger.lock(buyer.member().id(), sale.now());
        }
        Member member = buyer == null ? null : buyer.member();
        TierStatus tier = member == null ? null : tiers.status(member.id(), program.definition(), sale.now());
        return new LockedBuyer(buyer, account, tier, facts(sale.storeId(), sale.basket(), member, tier, program));
    }

    /**
     * Steps 2 and 3: prices the basket and takes what the price counted on — a capped rule's budget, a
     * coupon's uses. If a concurrent sale took them first, the basket is priced again with what is left.
     */
    private PricedBasket priceAndReserve(Sale sale, LockedBuyer buyer, ActiveProgram program, long id) {
        Long memberId = buyer.memberId();
        List<CouponCheck> checks = couponChecks(sale.tillId(), sale.basket(), memberId);
        for (int attempt = 0; ; attempt++) {
            if (attempt >= BUDGET_ATTEMPTS_MAX) {
                throw ProblemException.conflict("REQUEST_IN_PROGRESS", "A promotion is changing under heavy load; retry in a moment.", null);
            }
            PricedBasket candidate = pricing.price(sale.basket(), buyer.member(), buyer.account(), program, buyer.tier(), buyer.facts(),
                    ruleUses.limits(memberId, program.definition(), sale.basket().occurredAt()), checks);
            if (!ruleUses.takeBudgets(candidate.ruleUses(), program.definition())) {
                continue;
            }
            PricedBasket.CouponResult lost = useCoupons(candidate, id, memberId, sale.basket().occurredAt());
            if (lost != null) {
                ruleUses.releaseBudgets(candidate.ruleUses(), program.definition());
                checks = checks.stream().map(c -> c == lost.check()
                        ? new CouponCheck(c.code(), c.coupon(), c.campaign(), Rejection.USED_UP) : c).toList();
                continue;
            }
            if (sale.tillId() != null) {
                countUnknownCoupons(sale.tillId(), memberId, candidate);
            }
            return candidate;
        }
    }

    /** Step 4: the coupons for the next visit and the draw tickets the sale gives. */
    private Rewards handOut(Sale sale, LockedBuyer buyer, ActiveProgram program, PricedBasket priced, long id) {
        Long memberId = buyer.memberId();
        List<IssuedCoupon> issued = new ArrayList<>();
        for (String campaignCode : priced.couponsToIssue()) {
            coupons.campaignByCode(campaignCode).filter(c -> c.status() == Campaign.Status.ACTIVE)
                    .ifPresent(c -> issued.add(coupons.issue(c, memberId, sale.basket().occurredAt(), id)));
        }
        List<io.patron.draws.Draws.Issued> tickets = new ArrayList<>();
        for (PricedBasket.TicketGrant grant : priced.tickets()) {
            draws.issue(grant.draw(), memberId, id, grant.count(), sale.basket().occurredAt(), sale.storeId(),
                    buyer.tier() == null ? null : buyer.tier().tier().name()).ifPresent(tickets::add);
        }
        return new Rewards(issued, tickets);
    }

    private PricedBasket withReceiptLines(PricedBasket priced, LockedBuyer buyer, ActiveProgram program, Rewards rewards) {
        if (rewards.coupons().isEmpty() && rewards.tickets().isEmpty()) {
            return priced;
        }
        Locale locale = buyer.member().language().locale();
        List<PricedBasket.Message> receipt = new ArrayList<>();
        rewards.coupons().forEach(c -> receipt.add(new PricedBasket.Message("RECEIPT", couponMessage(c, locale, program.definition().currency()))));
        rewards.tickets().forEach(t -> receipt.add(new PricedBasket.Message("RECEIPT", messages.getMessage("till.tickets",
                new Object[] {t.name(), t.numbers().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))}, locale))));
        return priced.withMessages(receipt);
    }

    private static PurchaseResponse.MemberSummary memberAfter(LockedBuyer buyer, PricedBasket priced, OffsetDateTime availableFrom,
                                                              OffsetDateTime now) {
        if (buyer.buyer() == null) {
            return null;
        }
        boolean matured = !availableFrom.isAfter(now);
        Member member = buyer.member();
        return new PurchaseResponse.MemberSummary(member.id().value(), buyer.buyer().cardNumber(), member.firstName(),
                buyer.account().available() - priced.pointsRedeemed() + (matured ? priced.pointsEarned() : 0),
                buyer.account().pending() + (matured ? 0 : priced.pointsEarned()));
    }

    /**
     * Step 5: the sale's row (claiming its receipt id: a concurrent request that claimed it first makes
     * this one a retry), its rule uses and the member's running totals.
     */
    private void writeSale(Sale sale, LockedBuyer buyer, ActiveProgram program, PricedBasket priced, long id, String response) {
        Long memberId = buyer.memberId();
        if (!purchases.insert(new PurchaseRepository.NewPurchase(id, sale.storeId(), sale.tillId(), sale.basket().receiptId(),
                memberId, buyer.buyer() == null ? null : buyer.buyer().cardNumber(), sale.basket().occurredAt(), sale.now(), priced,
                sale.hash(), response, buyer.tier() == null || buyer.tier().tier() == null ? null : buyer.tier().tier().name(),
                sale.kind()))) {
            throw new io.patron.checkout.internal.ReceiptTaken();
        }
        if (!priced.ruleUses().isEmpty()) {
            ruleUses.record(id, memberId, sale.basket().occurredAt(), priced.ruleUses());
        }
        if (memberId != null) {
            totals.sold(memberId, TierBuckets.monthOf(sale.basket().occurredAt(), program.definition().zone()),
                    priced.subtotal().subtract(priced.discountTotal()), priced.pointsEarned(), sale.basket().occurredAt());
        }
    }

    /** Step 6: points spent and earned, and the referrer's bonus on a newcomer's first qualifying purchase. */
    private void movePoints(Sale sale, LockedBuyer buyer, PricedBasket priced, long id, OffsetDateTime availableFrom, OffsetDateTime expiresAt) {
        Member member = buyer.member();
        if (priced.pointsRedeemed() > 0) {
            ledger.redeem(member.id(), priced.pointsRedeemed(), id, sale.now());
        }
        if (priced.pointsEarned() > 0) {
            ledger.earn(member.id(), priced.pointsEarned(), id, availableFrom, expiresAt, sale.now());
        }
        if (priced.referrerPoints() > 0) {
            Member referrer = current(member.referredBy());
            if (referrer.active()) {
                ledger.lock(referrer.id(), sale.now());
                ledger.earnReferral(referrer.id(), priced.referrerPoints(), id, availableFrom, expiresAt, sale.now());
                purchases.setReferrer(id, referrer.id().value(), priced.referrerPoints());
            }
        }
    }

    /** Step 7: the durable record what reacts to the sale (journeys' mails, webhooks …) works from after the commit. */
    private void noteRecorded(Sale sale, LockedBuyer buyer, PricedBasket priced, Rewards rewards, long id) {
        TierStatus tier = buyer.tier();
        Map<String, Object> data = new java.util.HashMap<>();
        data.put("purchaseId", id);
        data.put("receiptId", sale.basket().receiptId());
        data.put("total", priced.total().toPlainString());
        data.put("pointsEarned", priced.pointsEarned());
        data.put("pointsRedeemed", priced.pointsRedeemed());
        if (sale.tillId() != null) {
            data.put("tillId", sale.tillId());
        }
        data.put("byPhone", sale.basket().byPhone());
        List<String> used = priced.coupons().stream().filter(PricedBasket.CouponResult::applied).map(PricedBasket.CouponResult::code).toList();
        if (!used.isEmpty()) {
            data.put("couponsUsed", used);
        }
        if (!rewards.coupons().isEmpty()) {
            data.put("couponsIssued", rewards.coupons().stream().map(c -> c.campaign() + ":" + c.code()).toList());
        }
        if (buyer.member() != null) {
            boolean mayHaveMovedUp = tier != null && tier.next() != null && tier.needed() != null
                    && (tier.points() ? BigDecimal.valueOf(priced.pointsEarned()) : priced.subtotal().subtract(priced.discountTotal()))
                    .compareTo(tier.needed()) >= 0;
            data.put("firstPurchase", Long.valueOf(0).equals(buyer.facts().member().get("purchaseCount")));
            data.put("tierBefore", tier == null || tier.tier() == null ? "" : tier.tier().name());
            data.put("mayHaveMovedUp", mayHaveMovedUp);
        }
        events.record(PURCHASE_RECORDED, buyer.memberId(), sale.storeId(), data, sale.now());
    }

    private String couponMessage(IssuedCoupon c, Locale locale, String currency) {
        String until = c.validTo() == null ? "" : c.validTo().toLocalDate().toString();
        String value = c.value().stripTrailingZeros().toPlainString();
        return messages.getMessage("till.coupon." + c.type().name(), new Object[] {c.code(), value,
                java.util.Currency.getInstance(currency).getSymbol(locale), until}, locale);
    }

    /** The basket's coupon codes checked for this member, after the guard against guessing let them through. */
    private List<CouponCheck> couponChecks(Long tillId, Basket basket, Long memberId) {
        if (basket.couponCodes().isEmpty()) {
            return List.of();
        }
        if (tillId != null) {
            couponGuard.checkAllowed(tillId, memberId);
        }
        return coupons.check(basket.couponCodes(), memberId, basket.occurredAt());
    }

    private void countUnknownCoupons(long tillId, Long memberId, PricedBasket priced) {
        couponGuard.failed(tillId, memberId, (int) priced.coupons().stream()
                .filter(c -> Rejection.NOT_FOUND.name().equals(c.reason())).count());
    }

    /** Takes a use of every applied coupon; on the first that was used up meanwhile, gives the others back and names it. */
    private PricedBasket.CouponResult useCoupons(PricedBasket priced, long purchaseId, Long memberId, OffsetDateTime at) {
        List<PricedBasket.CouponResult> taken = new ArrayList<>();
        for (PricedBasket.CouponResult result : priced.coupons()) {
            if (!result.applied()) {
                continue;
            }
            if (!coupons.use(result.check(), purchaseId, memberId, at, result.discount(), result.points())) {
                taken.forEach(t -> coupons.release(t.check(), purchaseId));
                return result;
            }
            taken.add(result);
        }
        return null;
    }

    private static Answer replay(StoredPurchase earlier, String hash) {
        if (!earlier.requestHash().equals(hash)) {
            throw ProblemException.conflict("RECEIPT_ALREADY_RECORDED",
                    "Receipt " + earlier.receiptId() + " was recorded with a different content.", "receiptId");
        }
        return new Answer(earlier.response(), true);
    }

    /** Takes goods of a purchase back; idempotent on the store and {@code returnId}. */
    public Answer returnGoods(Caller.Till till, long purchaseId, ReturnRequest request) {
        OffsetDateTime now = now();
        Map<String, BigDecimal> wanted = checkReturn(request, now);
        String hash = Secrets.sha256(json.writeValueAsString(request));
        StoredPurchase purchase = purchases.find(purchaseId).filter(p -> p.storeId() == till.storeId())
                .orElseThrow(() -> ProblemException.notFound("PURCHASE_NOT_FOUND", "No purchase " + purchaseId + " at this store."));
        Optional<StoredReturn> earlier = purchases.findReturn(till.storeId(), request.returnId());
        if (earlier.isPresent()) {
            return replayReturn(earlier.get(), purchaseId, hash);
        }
        try {
            return transactions.execute(status -> recordReturn(till.storeId(), purchase, request, wanted, hash, SaleKind.TILL, now));
        } catch (io.patron.checkout.internal.ReceiptTaken e) {
            return purchases.findReturn(till.storeId(), request.returnId()).map(r -> replayReturn(r, purchaseId, hash))
                    .orElseThrow(() -> ProblemException.conflict("REQUEST_IN_PROGRESS",
                            "This return is being recorded by another request; retry in a moment.", null));
        }
    }

    private Answer recordReturn(long storeId, StoredPurchase purchase, ReturnRequest request,
                                Map<String, BigDecimal> wanted, String hash, SaleKind kind, OffsetDateTime now) {
        Member member = purchase.memberId() == null ? null : current(new MemberId(purchase.memberId()));
        if (member != null) {
            ledger.lock(member.id(), now);
        }
        purchases.lock(purchase.id());
        Optional<StoredReturn> raced = purchases.findReturn(storeId, request.returnId());
        if (raced.isPresent()) {
            return replayReturn(raced.get(), purchase.id(), hash);
        }
        List<StoredLine> lines = purchases.lines(purchase.id());
        Map<String, StoredLine> byId = new HashMap<>();
        lines.forEach(l -> byId.put(l.lineId(), l));
        Validation v = new Validation();
        int i = 0;
        for (String lineId : wanted.keySet()) {
            if (!byId.containsKey(lineId)) {
                v.reject("lines[" + i + "].lineId", "the purchase has no line '" + lineId + "'");
            }
            i++;
        }
        v.throwIfInvalid();
        Map<Integer, BigDecimal> before = purchases.returnedQuantities(purchase.id());
        Map<Integer, BigDecimal> after = new HashMap<>(before);
        Map<Integer, BigDecimal> quantities = new TreeMap<>();
        for (var w : wanted.entrySet()) {
            StoredLine line = byId.get(w.getKey());
            BigDecimal total = before.getOrDefault(line.lineNo(), BigDecimal.ZERO).add(w.getValue());
            if (total.compareTo(line.quantity()) > 0) {
                throw ProblemException.unprocessable("RETURN_EXCEEDS_PURCHASE", "Line " + line.lineId() + ": "
                        + line.quantity().stripTrailingZeros().toPlainString() + " bought, "
                        + total.stripTrailingZeros().toPlainString() + " would be returned.");
            }
            after.put(line.lineNo(), total);
            quantities.put(line.lineNo(), w.getValue());
        }
        Shares was = Shares.of(lines, before, purchase);
        Shares will = Shares.of(lines, after, purchase);
        long returnPk = purchases.nextReturnId();
        long pointsRefunded = will.redeemedRefunded - was.redeemedRefunded;
        ReturnSettlement.Kept kept = ReturnSettlement.kept(
                new ReturnSettlement.Grants(purchase.pointsEarned(), draws.ticketsGiven(purchase.id()), coupons.issuedBy(purchase.id()),
                        purchase.referrerPoints()),
                lines, after, purchase.eligiblePaid(), () -> remainder(purchase, member, after, now),
                code -> draws.drawCodeFor(code, purchase.occurredAt()));
        Ledger.Reversal reversal = new Ledger.Reversal(0, 0);
        PurchaseResponse.MemberSummary summary = null;
        if (member != null) {
            List<StoredReturn> earlier = purchases.returns(purchase.id());
            long takenBefore = earlier.stream().mapToLong(r -> r.pointsReversed() + r.pointsForgiven()).sum();
            long forgivenBefore = earlier.stream().mapToLong(StoredReturn::pointsForgiven).sum();
            long pointsDue = Math.max(0, purchase.pointsEarned() - kept.points() - takenBefore);
            reversal = ledger.reverseEarning(member.id(), pointsDue, purchase.id(), returnPk, forgivenBefore, now);
            totals.returned(purchase.memberId(), TierBuckets.monthOf(purchase.occurredAt(), programs.active().definition().zone()),
                    will.refundedAmount.subtract(was.refundedAmount), reversal.reversed() + reversal.forgiven());
            ledger.refundRedemption(member.id(), pointsRefunded, purchase.id(), returnPk, now);
            if (purchase.referrerPoints() > 0 && purchase.referrerId() != null && !purchase.referralReversed() && !kept.referral()) {
                MemberId referrer = current(new MemberId(purchase.referrerId())).id();
                ledger.lock(referrer, now);
                ledger.reverseEarning(referrer, purchase.referrerPoints(), purchase.id(), returnPk, 0, now);
                purchases.markReferralReversed(purchase.id());
            }
            PointsAccount account = ledger.account(member.id(), now);
            summary = new PurchaseResponse.MemberSummary(member.id().value(), null, member.firstName(), account.available(),
                    account.pending());
            // Tickets of draws still open: the sale keeps what the rest of it earns.
            draws.keepTickets(purchase.id(), kept.tickets(), now);
        }
        if (fullyReturned(lines, after)) {
            // The coupons the purchase used come back while still valid; those it earned unused are voided.
            coupons.purchaseReturned(purchase.id(), now);
        } else {
            coupons.keepIssued(purchase.id(), kept.coupons());
        }
        List<ReturnResponse.LineView> lineViews = quantities.entrySet().stream().map(e -> {
            StoredLine line = lines.get(e.getKey());
            BigDecimal refunded = share(line.net(), after.get(line.lineNo()), line.quantity())
                    .subtract(share(line.net(), before.getOrDefault(line.lineNo(), BigDecimal.ZERO), line.quantity()));
            return new ReturnResponse.LineView(line.lineId(), Basket.plain(e.getValue()), refunded);
        }).toList();
        ReturnResponse response = new ReturnResponse(request.returnId(), purchase.id(), purchase.receiptId(),
                request.occurredAt() == null ? now : request.occurredAt(), lineViews,
                will.refundedAmount.subtract(was.refundedAmount), will.refundMoney.subtract(was.refundMoney),
                pointsRefunded, reversal.reversed(), reversal.forgiven(), summary);
        String body = json.writeValueAsString(response);
        if (!purchases.insertReturn(returnPk, purchase.id(), storeId, request.returnId(), response.occurredAt(), now,
                response.refundMoney(), response.refundedAmount(), reversal.reversed(), reversal.forgiven(), pointsRefunded,
                hash, kind, body, quantities)) {
            throw new io.patron.checkout.internal.ReceiptTaken();
        }
        events.record(RETURN_RECORDED, member == null ? null : member.id().value(), storeId, Map.of("purchaseId", purchase.id(),
                "returnId", request.returnId(), "pointsReversed", reversal.reversed(), "pointsRefunded", pointsRefunded), now);
        return new Answer(body, false);
    }

    /**
     * What remains of a sale, priced again by its own programme version as it was sold: its time, the
     * buyer's tier then and place in their history, without coupons, points payment or caps (those
     * only lower what it gives, and a sale never keeps more than it got). Null when it cannot be: the
     * buyer is no longer active (the shares of the sale decide alone).
     */
    private PricedBasket remainder(StoredPurchase purchase, Member member, Map<Integer, BigDecimal> returned, OffsetDateTime now) {
        if (member != null && !member.active()) {
            return null;
        }
        Basket rest = ReturnSettlement.remainingBasket(purchase.receiptId(), purchase.occurredAt(), purchases.basketLines(purchase.id()),
                returned);
        ActiveProgram program = new ActiveProgram(purchase.programVersion(), programs.definition(purchase.programVersion()));
        TierStatus tier = null;
        if (member != null) {
            var held = purchase.tierCode() == null ? null
                    : program.definition().tiers().levels().stream().filter(t -> t.name().equals(purchase.tierCode())).findFirst().orElse(null);
            tier = held != null ? new TierStatus(BigDecimal.ZERO, held, null, null, false, null)
                    : tiers.status(member.id(), program.definition(), purchase.occurredAt());
        }
        PointsAccount account = member == null ? null : ledger.account(member.id(), now);
        long count = member == null ? -1 : purchases.purchaseCountBefore(member.id().value(), purchase.id());
        PurchaseFacts facts = facts(purchase.storeId(), rest, member, tier, program, count);
        return pricing.price(rest, member, account, program, tier, facts, io.patron.checkout.internal.RuleLimits.NONE, List.of());
    }

    static boolean fullyReturned(List<StoredLine> lines, Map<Integer, BigDecimal> returned) {
        return lines.stream().allMatch(l -> returned.getOrDefault(l.lineNo(), BigDecimal.ZERO).compareTo(l.quantity()) >= 0);
    }

    /**
     * What the returned quantities so far are worth in money and in points paid, cumulatively.
     * Computing the running totals (and taking differences) rather than each return on its own makes
     * partial returns add up to exactly the purchase when everything has come back, whatever the
     * rounding. (What the sale keeps of what it earned is {@link ReturnSettlement}'s.)
     */
    record Shares(BigDecimal refundedAmount, BigDecimal refundMoney, long redeemedRefunded) {
        static Shares of(List<StoredLine> lines, Map<Integer, BigDecimal> returned, StoredPurchase purchase) {
            BigDecimal amount = BigDecimal.ZERO;
            BigDecimal money = BigDecimal.ZERO;
            BigDecimal pointsValueReturned = BigDecimal.ZERO;
            BigDecimal pointsValueTotal = BigDecimal.ZERO;
            for (StoredLine line : lines) {
                BigDecimal q = returned.getOrDefault(line.lineNo(), BigDecimal.ZERO);
                amount = amount.add(share(line.net(), q, line.quantity()));
                money = money.add(share(line.paid(), q, line.quantity()));
                pointsValueReturned = pointsValueReturned.add(line.pointsValue().multiply(q).divide(line.quantity(), 10, RoundingMode.DOWN));
                pointsValueTotal = pointsValueTotal.add(line.pointsValue());
            }
            long refunded = proportion(purchase.pointsRedeemed(), pointsValueReturned, pointsValueTotal);
            return new Shares(amount, money, refunded);
        }

        private static long proportion(long points, BigDecimal part, BigDecimal whole) {
            if (points == 0 || whole.signum() == 0) {
                return 0;
            }
            if (part.compareTo(whole) >= 0) {
                return points;
            }
            return BigDecimal.valueOf(points).multiply(part).divide(whole, 0, RoundingMode.DOWN).longValueExact();
        }
    }

    static BigDecimal share(BigDecimal value, BigDecimal quantity, BigDecimal of) {
        if (quantity.compareTo(of) >= 0) {
            return value;
        }
        return value.multiply(quantity).divide(of, 2, RoundingMode.HALF_UP);
    }

    private static Answer replayReturn(StoredReturn earlier, long purchaseId, String hash) {
        if (earlier.purchaseId() != purchaseId || !earlier.requestHash().equals(hash)) {
            throw ProblemException.conflict("RETURN_ALREADY_RECORDED",
                    "Return " + earlier.returnId() + " was recorded with a different content.", "returnId");
        }
        return new Answer(earlier.response(), true);
    }

    private Map<String, BigDecimal> checkReturn(ReturnRequest r, OffsetDateTime now) {
        Validation v = new Validation();
        if (r.returnId() == null || !ID.matcher(r.returnId()).matches()) {
            v.reject("returnId", "is required: 1 to 64 letters, digits or . _ : / # -");
        }
        if (r.occurredAt() != null && r.occurredAt().isAfter(now.plus(Basket.FUTURE_TOLERANCE))) {
            v.reject("occurredAt", "is more than 5 minutes in the future");
        }
        Map<String, BigDecimal> wanted = new java.util.LinkedHashMap<>();
        if (r.lines() == null || r.lines().isEmpty()) {
            v.reject("lines", "name at least one line to return");
        } else if (r.lines().size() > Basket.LINES_MAX) {
            v.reject("lines", "at most " + Basket.LINES_MAX + " lines");
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < r.lines().size(); i++) {
                ReturnRequest.Line l = r.lines().get(i);
                String at = "lines[" + i + "]";
                if (l == null || l.lineId() == null || !ID.matcher(l.lineId()).matches()) {
                    v.reject(at + ".lineId", "is required");
                    continue;
                }
                if (!seen.add(l.lineId())) {
                    v.reject(at + ".lineId", "'" + l.lineId() + "' appears twice");
                }
                if (l.quantity() == null || l.quantity().signum() <= 0 || l.quantity().stripTrailingZeros().scale() > 3
                        || l.quantity().compareTo(Basket.QUANTITY_MAX) > 0) {
                    v.reject(at + ".quantity", "must be greater than 0, with at most 3 decimals");
                } else {
                    wanted.put(l.lineId(), l.quantity());
                }
            }
        }
        v.throwIfInvalid();
        return wanted;
    }

    /**
     * What the rules see of this sale, in the store's time zone (stores rarely change theirs: cached).
     * The member's purchase count and segments cost queries, so they are read only when a rule (or the
     * referral bonus) asks; what the programme asks is worked out once per version.
     */
    private PurchaseFacts facts(long storeId, Basket basket, Member member, TierStatus tier, ActiveProgram program) {
        return facts(storeId, basket, member, tier, program, null);
    }

    /** @param knownCount the member's purchase count before the sale, when known (a sale priced again); else read when needed */
    private PurchaseFacts facts(long storeId, Basket basket, Member member, TierStatus tier, ActiveProgram program, Long knownCount) {
        Store store = storeCache.computeIfAbsent(storeId, id -> stores.get(new StoreId(id)));
        Needs needs = needs(program);
        long count = -1;
        if (knownCount != null) {
            count = knownCount;
        } else if (member != null) {
            // One row by its key: the rules, the referral bonus and the first-purchase journey all use it.
            count = totals.purchases(member.id().value());
        }
        List<String> inSegments = List.of();
        if (member != null && !needs.segments().isEmpty()) {
            inSegments = needs.segments().stream().filter(code -> segments.byCode(code)
                    .map(s -> segments.contains(s.definition(), member.id().value())).orElse(false)).toList();
        }
        return PurchaseFacts.of(basket, member, tier, store.timeZone(), store.code(), count, inSegments);
    }

    /** What a programme version's rules read beyond the basket: the purchase count, segments (codes they quote). */
    private record Needs(int version, boolean purchaseCount, Set<String> segments) {
    }

    private volatile Needs needs = new Needs(-1, false, Set.of());

    private static final Pattern QUOTED_CODE = Pattern.compile("['\"]([A-Z0-9][A-Z0-9-]{1,39})['\"]");

    private Needs needs(ActiveProgram program) {
        Needs current = needs;
        if (current.version() == program.version()) {
            return current;
        }
        boolean count = false;
        Set<String> codes = new java.util.TreeSet<>();
        for (var rule : program.definition().rules()) {
            for (String text : new String[] {rule.condition(), rule.lineCondition()}) {
                if (!rule.on() || text == null) {
                    continue;
                }
                count |= text.contains("purchaseCount");
                if (text.contains("member.segments")) {
                    var m = QUOTED_CODE.matcher(text);
                    while (m.find()) {
                        codes.add(m.group(1));
                    }
                }
            }
        }
        current = new Needs(program.version(), count, Set.copyOf(codes));
        needs = current;
        return current;
    }

    /** The buyer named by the basket; null for an anonymous sale. */
    private Buyer resolve(Basket basket) {
        return basket.member() == null ? null : resolve(basket.member());
    }

    private Buyer resolve(PurchaseRequest.MemberRef ref) {
        Member member;
        String cardNumber;
        if (ref.cardNumber() != null && !ref.cardNumber().isBlank()) {
            String number = ref.cardNumber().trim();
            if (!CardNumber.isValid(number)) {
                throw ProblemException.invalid("member.cardNumber", "is not a valid EAN-13 card number");
            }
            var found = members.cardWithMember(number).orElseThrow(() -> memberNotFound());
            if (!found.getKey().active()) {
                throw ProblemException.unprocessable("CARD_BLOCKED", "This card is blocked; ask for the member's new card.");
            }
            member = found.getValue();
            cardNumber = number;
        } else {
            member = members.findByPhone(ref.phone()).orElseThrow(() -> memberNotFound());
            cardNumber = members.primaryCard(member.id()).map(c -> c.number().value()).orElse(null);
        }
        if (member.status() == MemberStatus.BLOCKED) {
            throw ProblemException.unprocessable("MEMBER_BLOCKED", "This member is blocked: no points are earned or redeemed.");
        }
        if (!member.active()) {
            throw memberNotFound();
        }
        return new Buyer(member, cardNumber);
    }

    private Member current(MemberId id) {
        return members.current(id);
    }

    private static PurchaseResponse.MemberSummary summary(Buyer buyer, PointsAccount account) {
        return new PurchaseResponse.MemberSummary(buyer.member().id().value(), buyer.cardNumber(),
                buyer.member().firstName(), account.available(), account.pending());
    }

    private static ProblemException memberNotFound() {
        return ProblemException.notFound("MEMBER_NOT_FOUND", "No member has this card or phone.");
    }

    public Optional<StoredPurchase> purchase(long id) {
        return purchases.find(id);
    }

    public List<StoredReturn> returnsOf(long purchaseId) {
        return purchases.returns(purchaseId);
    }

    public Page<PurchaseSummary> byReceipt(Long storeId, String receiptId, PageRequest page) {
        return purchases.byReceipt(storeId, receiptId, page);
    }

    public Page<PurchaseSummary> ofMember(MemberId member, PageRequest page) {
        return purchases.ofMember(member.value(), page);
    }

    static OffsetDateTime later(OffsetDateTime a, OffsetDateTime b) {
        return a.isAfter(b) ? a : b;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private record Buyer(Member member, String cardNumber) {
    }

    /** An answer as stored JSON; {@code replayed} when it repeats the answer to an earlier identical request. */
    public record Answer(String json, boolean replayed) {
    }
}
