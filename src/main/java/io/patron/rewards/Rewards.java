package io.patron.rewards;

import io.patron.audit.AuditLog;
import io.patron.checkout.TierStatus;
import io.patron.checkout.Tiers;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import io.patron.coupons.Campaign;
import io.patron.coupons.Coupons;
import io.patron.coupons.IssuedCoupon;
import io.patron.ledger.Ledger;
import io.patron.ledger.PointsAccount;
import io.patron.members.Member;
import io.patron.members.MemberId;
import io.patron.members.Members;
import io.patron.program.ProgramDefinition;
import io.patron.program.Programs;
import io.patron.rewards.internal.RewardRepository;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The reward catalogue. A redemption runs in one transaction under the member's ledger lock: the
 * item's rules are checked (active, in its validity, tier, per-member limit, birthday once a year),
 * one is taken from the stock with a conditional update, the points are debited and, for a voucher,
 * its coupon is issued — all or nothing. Cancelling a redemption that was not handed over puts the
 * stock and the points back (and voids a voucher's unused coupon).
 */
@Service
public class Rewards {

    private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9-]{1,39}");
    private static final Set<Redemption.Status> CANCELLABLE = Set.of(Redemption.Status.ORDERED, Redemption.Status.READY,
            Redemption.Status.ISSUED);

    private final RewardRepository repository;
    private final Ledger ledger;
    private final Members members;
    private final Coupons coupons;
    private final Tiers tiers;
    private final Programs programs;
    private final AuditLog audit;
    private final Clock clock;
    private final int birthdayWindowDays;

    public static final String REWARD_REDEEMED = "reward.redeemed";
    public static final String REWARD_FULFILLED = "reward.fulfilled";

    private final io.patron.events.Events events;

    Rewards(RewardRepository repository, Ledger ledger, Members members, Coupons coupons, Tiers tiers, Programs programs,
            AuditLog audit, Clock clock, @Value("${patron.rewards.birthday-window-days:7}") int birthdayWindowDays,
            io.patron.events.Events events) {
        this.events = events;
        this.repository = repository;
        this.ledger = ledger;
        this.members = members;
        this.coupons = coupons;
        this.tiers = tiers;
        this.programs = programs;
        this.audit = audit;
        this.clock = clock;
        this.birthdayWindowDays = birthdayWindowDays;
    }

    /** A new item as an administrator describes it. */
    public record ItemRequest(String code, String name, String description, RewardItem.Kind kind, Long pointsPrice,
                              Long birthdayPoints, Integer stock, Integer perMemberLimit, String minTier, OffsetDateTime validFrom,
                              OffsetDateTime validTo, String imageUrl, String campaignCode) {
    }

    @Transactional
    public RewardItem create(ItemRequest r) {
        Validation v = new Validation();
        String code = r.code() == null ? "" : r.code().trim().toUpperCase(Locale.ROOT);
        if (!CODE.matcher(code).matches() || repository.codeTaken(code)) {
            v.reject("code", "2 to 40 letters, digits or -, not used by another item");
        }
        if (r.name() == null || r.name().isBlank() || r.name().length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        if (r.description() != null && r.description().length() > 2000) {
            v.reject("description", "at most 2000 characters");
        }
        if (r.kind() == null) {
            v.reject("kind", "GIFT, VOUCHER, PARTNER_VOUCHER or DONATION");
        }
        if (r.pointsPrice() == null && r.birthdayPoints() == null) {
            v.reject("pointsPrice", "give a price in points, a birthday price, or both");
        }
        if (r.pointsPrice() != null && (r.pointsPrice() < 1 || r.pointsPrice() > 10_000_000)) {
            v.reject("pointsPrice", "1 to 10000000 points");
        }
        if (r.birthdayPoints() != null && (r.birthdayPoints() < 0 || r.birthdayPoints() > 10_000_000)) {
            v.reject("birthdayPoints", "0 (free) to 10000000 points");
        }
        if (r.stock() != null && (r.stock() < 0 || r.stock() > 10_000_000)) {
            v.reject("stock", "0 to 10000000, or empty for no limit");
        }
        if (r.perMemberLimit() != null && (r.perMemberLimit() < 1 || r.perMemberLimit() > 1000)) {
            v.reject("perMemberLimit", "1 to 1000, or empty for no limit");
        }
        ProgramDefinition program = programs.active().definition();
        if (r.minTier() != null && !r.minTier().isBlank() && (program.tiers() == null || program.tiers().named(r.minTier()) == null)) {
            v.reject("minTier", "must name a tier of the active programme");
        }
        if (r.validFrom() != null && r.validTo() != null && !r.validTo().isAfter(r.validFrom())) {
            v.reject("validTo", "must be after validFrom");
        }
        if (r.imageUrl() != null && !r.imageUrl().isBlank() && (r.imageUrl().length() > 500 || !r.imageUrl().matches("(https?://|/)\\S+"))) {
            v.reject("imageUrl", "an http(s) address or a path, at most 500 characters");
        }
        Campaign campaign = null;
        if (r.kind() == RewardItem.Kind.VOUCHER || r.kind() == RewardItem.Kind.PARTNER_VOUCHER) {
            campaign = r.campaignCode() == null ? null : coupons.campaignByCode(r.campaignCode()).orElse(null);
            if (campaign == null) {
                v.reject("campaignCode", "a voucher needs the code of its coupon campaign");
            }
        }
        v.throwIfInvalid();
        RewardItem item = new RewardItem(repository.nextId(), code, r.name().trim(), r.description(), r.kind(), r.pointsPrice(),
                r.birthdayPoints(), r.stock(), r.perMemberLimit(), r.minTier() == null || r.minTier().isBlank() ? null : r.minTier(),
                r.validFrom(), r.validTo(), r.imageUrl() == null || r.imageUrl().isBlank() ? null : r.imageUrl(),
                campaign == null ? null : campaign.id(), RewardItem.Status.ACTIVE, OffsetDateTime.now(clock));
        repository.insertItem(item);
        audit.record("REWARD_ITEM_CREATED", "reward_item", item.id(), null, Map.of("code", item.code(), "name", item.name()));
        return item;
    }

    @Transactional
    public void retire(long itemId) {
        item(itemId);
        repository.setItemStatus(itemId, RewardItem.Status.RETIRED);
        audit.record("REWARD_ITEM_RETIRED", "reward_item", itemId, null, null);
    }

    public RewardItem item(long id) {
        return repository.item(id).orElseThrow(() -> ProblemException.notFound("REWARD_NOT_FOUND", "No reward item " + id + "."));
    }

    public List<RewardItem> items() {
        return repository.items(false, 500);
    }

    /** An item as one member sees it: the price they would pay now and whether they may take it (or why not). */
    public record Offer(RewardItem item, Long price, boolean birthdayGift, String unavailable) {
    }

    /** The active catalogue for a member, with their prices and eligibility now. */
    public List<Offer> catalogue(MemberId memberId) {
        Member member = members.get(memberId);
        OffsetDateTime now = OffsetDateTime.now(clock);
        PointsAccount account = ledger.account(member.id(), now);
        Integer birthdayYear = birthdayYear(member, now);
        TierStatus tier = tiers.status(member.id(), programs.active().definition(), now);
        return repository.items(true, 500).stream().map(item -> {
            Terms terms = terms(item, member, birthdayYear, tier, now);
            String unavailable = terms.refusal != null ? terms.refusal
                    : item.stock() != null && item.stock() == 0 ? "OUT_OF_STOCK"
                    : account.available() < terms.price ? "INSUFFICIENT_POINTS" : null;
            return new Offer(item, terms.price, terms.birthday, unavailable);
        }).filter(o -> !"NOT_IN_BIRTHDAY_WINDOW".equals(o.unavailable()) && !"NOT_AVAILABLE".equals(o.unavailable())).toList();
    }

    /** The price and the refusal (a problem code) of an item for a member now. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "RewardTerms")
    private record Terms(long price, boolean birthday, String refusal) {
    }

    private Terms terms(RewardItem item, Member member, Integer birthdayYear, TierStatus tier, OffsetDateTime now) {
        if (item.status() != RewardItem.Status.ACTIVE || item.validFrom() != null && now.isBefore(item.validFrom())
                || item.validTo() != null && !now.isBefore(item.validTo())) {
            return new Terms(0, false, "NOT_AVAILABLE");
        }
        boolean birthday = item.birthdayPoints() != null && birthdayYear != null && !repository.birthdayGiftTaken(member.id().value(), birthdayYear);
        if (!birthday && item.pointsPrice() == null) {
            return new Terms(0, false, birthdayYear != null ? "BIRTHDAY_GIFT_TAKEN" : "NOT_IN_BIRTHDAY_WINDOW");
        }
        if (item.minTier() != null) {
            ProgramDefinition.Tiers ladder = programs.active().definition().tiers();
            if (ladder != null && ladder.named(item.minTier()) != null && (tier == null
                    || ladder.levels().indexOf(tier.tier()) < ladder.levels().indexOf(ladder.named(item.minTier())))) {
                return new Terms(0, false, "TIER_TOO_LOW");
            }
        }
        return new Terms(birthday ? item.birthdayPoints() : item.pointsPrice(), birthday, null);
    }

    /** The year of the member's birthday when today is in its window (the birthday and the days after), else null. */
    Integer birthdayYear(Member member, OffsetDateTime now) {
        if (member.birthDate() == null) {
            return null;
        }
        LocalDate today = now.atZoneSameInstant(programs.active().definition().zone()).toLocalDate();
        LocalDate birthday = member.birthDate().withYear(today.getYear());
        if (birthday.isAfter(today)) {
            birthday = member.birthDate().withYear(today.getYear() - 1);
        }
        return ChronoUnit.DAYS.between(birthday, today) < birthdayWindowDays ? birthday.getYear() : null;
    }

    /**
     * Redeems an item for a member (from the portal, or by support for them): all in one transaction,
     * under the member's lock, so that two redemptions of one member never spend the same points and
     * the stock never goes below zero.
     */
    @Transactional
    public Redemption redeem(MemberId memberId, long itemId, String channel) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Member member = members.get(memberId);
        if (!member.active()) {
            throw ProblemException.unprocessable("MEMBER_NOT_ACTIVE", "This member cannot redeem rewards.");
        }
        PointsAccount account = ledger.lock(member.id(), now);
        RewardItem item = item(itemId);
        Integer birthdayYear = birthdayYear(member, now);
        Terms terms = terms(item, member, birthdayYear, tiers.status(member.id(), programs.active().definition(), now), now);
        if (terms.refusal != null) {
            throw refusal(terms.refusal);
        }
        if (item.perMemberLimit() != null && repository.memberRedemptions(member.id().value(), itemId) >= item.perMemberLimit()) {
            throw ProblemException.unprocessable("LIMIT_REACHED", "This member has taken this item as often as allowed.");
        }
        if (account.available() < terms.price) {
            throw new ProblemException(org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT, "INSUFFICIENT_POINTS",
                    "The item costs " + terms.price + " points; " + account.available() + " are available.", List.of(),
                    Map.of("pointsAvailable", account.available(), "price", terms.price));
        }
        if (!repository.takeStock(itemId)) {
            throw ProblemException.conflict("OUT_OF_STOCK", "This item is out of stock.", null);
        }
        long id = repository.nextId();
        String couponCode = null;
        Redemption.Status status = switch (item.kind()) {
            case GIFT -> Redemption.Status.ORDERED;
            case VOUCHER, PARTNER_VOUCHER -> Redemption.Status.ISSUED;
            case DONATION -> Redemption.Status.DONATED;
        };
        if (item.voucher()) {
            IssuedCoupon coupon = coupons.issue(coupons.campaign(item.campaignId()), member.id().value(), now, null);
            couponCode = coupon.code();
        }
        repository.insertRedemption(id, itemId, member.id().value(), terms.price, terms.birthday ? birthdayYear : null, couponCode,
                status, channel, Callers.actorName(), now);
        if (terms.price > 0) {
            ledger.spendOnReward(member.id(), terms.price, id, item.name(), now);
        }
        audit.record("REWARD_REDEEMED", "member", member.id().value(), null, Map.of("item", item.code(), "points", terms.price,
                "redemption", id));
        Map<String, Object> data = Map.of("redemptionId", id, "reward", item.code(), "points", terms.price, "status", status.name());
        events.record(REWARD_REDEEMED, member.id().value(), null, data, now);
        if (status != Redemption.Status.ORDERED) {
            // a voucher is issued and a donation made at once: fulfilled with the redemption
            events.record(REWARD_FULFILLED, member.id().value(), null, data, now);
        }
        return repository.redemption(id).orElseThrow();
    }

    private static ProblemException refusal(String code) {
        return switch (code) {
            case "TIER_TOO_LOW" -> ProblemException.unprocessable(code, "This item is for a higher tier.");
            case "BIRTHDAY_GIFT_TAKEN" -> ProblemException.unprocessable(code, "The birthday gift of this year has been chosen.");
            case "NOT_IN_BIRTHDAY_WINDOW" -> ProblemException.unprocessable(code, "This item is a birthday gift; the birthday window is not open.");
            default -> ProblemException.unprocessable("NOT_AVAILABLE", "This item is not available now.");
        };
    }

    /** Moves a gift along: ORDERED → READY → HANDED_OVER. */
    @Transactional
    public Redemption advance(long redemptionId, Redemption.Status to) {
        Redemption r = repository.lockRedemption(redemptionId)
                .orElseThrow(() -> ProblemException.notFound("REDEMPTION_NOT_FOUND", "No redemption " + redemptionId + "."));
        boolean allowed = r.status() == Redemption.Status.ORDERED && (to == Redemption.Status.READY || to == Redemption.Status.HANDED_OVER)
                || r.status() == Redemption.Status.READY && to == Redemption.Status.HANDED_OVER;
        if (!allowed) {
            throw ProblemException.conflict("INVALID_STATUS_CHANGE", "A redemption " + r.status() + " cannot become " + to + ".", "status");
        }
        repository.setStatus(redemptionId, to, Callers.actorName(), OffsetDateTime.now(clock));
        if (to == Redemption.Status.HANDED_OVER) {
            events.record(REWARD_FULFILLED, r.memberId(), null, Map.of("redemptionId", redemptionId, "reward", item(r.itemId()).code(),
                    "points", r.points(), "status", to.name()), OffsetDateTime.now(clock));
        }
        audit.record("REWARD_STATUS_CHANGED", "reward_redemption", redemptionId, Map.of("status", r.status().name()),
                Map.of("status", to.name()));
        return repository.redemption(redemptionId).orElseThrow();
    }

    /**
     * Cancels a redemption not handed over (a voucher only while its coupon is unused): the stock and
     * the points come back. A member may cancel only their own.
     */
    @Transactional
    public Redemption cancel(long redemptionId, MemberId onlyOf) {
        Redemption found = repository.redemption(redemptionId)
                .orElseThrow(() -> ProblemException.notFound("REDEMPTION_NOT_FOUND", "No redemption " + redemptionId + "."));
        if (onlyOf != null && found.memberId() != onlyOf.value()) {
            throw ProblemException.notFound("REDEMPTION_NOT_FOUND", "No redemption " + redemptionId + ".");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        ledger.lock(new MemberId(found.memberId()), now);
        Redemption r = repository.lockRedemption(redemptionId).orElseThrow();
        if (!CANCELLABLE.contains(r.status()) || r.couponCode() != null && !coupons.voidIfUnused(r.couponCode())) {
            throw ProblemException.conflict("NOT_CANCELLABLE", "This redemption can no longer be cancelled.", null);
        }
        repository.setStatus(redemptionId, Redemption.Status.CANCELLED, Callers.actorName(), now);
        repository.putBackStock(r.itemId());
        if (r.points() > 0) {
            ledger.refundReward(new MemberId(r.memberId()), r.points(), redemptionId, r.itemName(), now);
        }
        audit.record("REWARD_CANCELLED", "reward_redemption", redemptionId, Map.of("status", r.status().name()),
                Map.of("status", "CANCELLED"));
        return repository.redemption(redemptionId).orElseThrow();
    }

    /** A merged duplicate's redemptions belong to the survivor from now on (limits and birthday gifts count for them). */
    @org.springframework.context.event.EventListener
    void on(io.patron.members.MembersMerged merged) {
        repository.moveToMember(merged.merged().value(), merged.survivor().value());
    }

    public List<Redemption> ofMember(MemberId member) {
        return repository.ofMember(member.value(), 100);
    }

    public io.patron.common.Page<Redemption> recent(io.patron.common.PageRequest page) {
        return new io.patron.common.Page<>(repository.recent(page.size(), page.offset()), page.page(), page.size(),
                repository.countRedemptions());
    }
}
