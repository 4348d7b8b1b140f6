package io.patron.checkout;

import io.patron.audit.AuditLog;
import io.patron.checkout.internal.PurchaseRepository;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.members.MemberId;
import io.patron.program.ProgramDefinition;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Derives a member's tier from the running totals of their history ({@link TierBuckets}: never a tier
 * stored, so a replay or a back-test gives the same answer). The qualifying measure is the value of
 * their purchases after discounts less what came back, or the points they earned less the points taken
 * back, over all time or the programme's rolling window of calendar months. A sale counts from the next
 * receipt on. A fall is only checked at month starts: the tier held is the highest of the one the
 * measure reaches now and the ones it reached at the start of this month and of the {@code graceMonths}
 * months before. A manual tier floor (VIP) with an expiry lifts the member to at least that tier.
 */
@Service
public class Tiers {

    private final PurchaseRepository purchases;
    private final io.patron.checkout.internal.MemberTotals totals;
    private final AuditLog audit;
    private final java.time.Clock clock;

    Tiers(PurchaseRepository purchases, io.patron.checkout.internal.MemberTotals totals, AuditLog audit, java.time.Clock clock) {
        this.purchases = purchases;
        this.totals = totals;
        this.audit = audit;
        this.clock = clock;
    }

    /** The member's status under the programme's ladder, or null when the programme has no tiers. */
    public TierStatus status(MemberId member, ProgramDefinition program, OffsetDateTime now) {
        ProgramDefinition.Tiers ladder = program.tiers();
        if (ladder == null || ladder.levels().isEmpty()) {
            return null;
        }
        TierBuckets buckets = totals.buckets(member.value(), TierBuckets.earliestNeeded(ladder, TierBuckets.monthOf(now, program.zone())));
        return status(program, now, buckets, purchases.tierFloor(member.value(), now).orElse(null));
    }

    /**
     * The status from a member's running totals (the database's for live sales, memory's for a
     * back-test); {@code floor} is a manual tier in force (name and expiry) or null.
     */
    public static TierStatus status(ProgramDefinition program, OffsetDateTime now, TierBuckets buckets,
                                    Map.Entry<String, OffsetDateTime> floor) {
        ProgramDefinition.Tiers ladder = program.tiers();
        if (ladder == null || ladder.levels().isEmpty()) {
            return null;
        }
        List<BigDecimal> measures = buckets.measures(program, now);
        BigDecimal current = measures.getFirst().max(BigDecimal.ZERO);
        ProgramDefinition.Tier tier = ladder.levelFor(current);
        for (BigDecimal held : measures) {
            tier = higher(ladder, tier, ladder.levelFor(held.max(BigDecimal.ZERO)));
        }
        OffsetDateTime vipUntil = null;
        ProgramDefinition.Tier vip = floor == null ? null : ladder.named(floor.getKey());
        if (vip != null && higher(ladder, tier, vip) == vip && vip != tier) {
            tier = vip;
            vipUntil = floor.getValue();
        }
        ProgramDefinition.Tier next = ladder.after(tier);
        BigDecimal needed = next == null ? null : next.threshold().subtract(current).max(BigDecimal.ZERO);
        return new TierStatus(current, tier, next, needed, ladder.basis().points(), vipUntil);
    }

    /** How many members {@link #statuses} takes at once. */
    public static final int MEMBERS_AT_ONCE = PurchaseRepository.MEMBERS_PER_QUERY;

    /**
     * The statuses of several members at once (at most {@link #MEMBERS_AT_ONCE}), with one query per
     * table for all of them — the same answer as {@link #status} member by member. Empty without tiers.
     */
    public Map<Long, TierStatus> statuses(List<Long> memberIds, ProgramDefinition program, OffsetDateTime now) {
        ProgramDefinition.Tiers ladder = program.tiers();
        if (ladder == null || ladder.levels().isEmpty()) {
            return Map.of();
        }
        if (memberIds.size() > MEMBERS_AT_ONCE) {
            throw new IllegalArgumentException("at most " + MEMBERS_AT_ONCE + " members at once");
        }
        Map<Long, TierBuckets> buckets = totals.buckets(memberIds, TierBuckets.earliestNeeded(ladder, TierBuckets.monthOf(now, program.zone())));
        Map<Long, Map.Entry<String, OffsetDateTime>> floors = purchases.tierFloors(memberIds, now);
        Map<Long, TierStatus> statuses = new java.util.HashMap<>();
        for (long id : memberIds) {
            statuses.put(id, status(program, now, buckets.get(id), floors.get(id)));
        }
        return statuses;
    }

    private static ProgramDefinition.Tier higher(ProgramDefinition.Tiers ladder, ProgramDefinition.Tier a, ProgramDefinition.Tier b) {
        return ladder.levels().indexOf(b) > ladder.levels().indexOf(a) ? b : a;
    }

    /** Gives a member at least {@code tier} until {@code expiresAt} (a VIP level); replaces an earlier floor. */
    @Transactional
    public void setFloor(MemberId member, String tier, OffsetDateTime expiresAt, String reason, ProgramDefinition program) {
        var v = new io.patron.common.Validation();
        if (program.tiers() == null || tier == null || program.tiers().named(tier) == null) {
            v.reject("tier", "must name a tier of the active programme");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (expiresAt == null || !expiresAt.isAfter(now) || expiresAt.isAfter(now.plusYears(10))) {
            v.reject("expiresAt", "a moment in the next 10 years");
        }
        if (reason != null && reason.length() > 500) {
            v.reject("reason", "at most 500 characters");
        }
        v.throwIfInvalid();
        Optional<Map.Entry<String, OffsetDateTime>> before = purchases.tierFloor(member.value(), now);
        purchases.setTierFloor(member.value(), tier, expiresAt, reason, Callers.actorName(), now);
        audit.record("TIER_FLOOR_SET", "member", member.value(),
                before.map(b -> Map.<String, Object>of("tier", b.getKey(), "expiresAt", b.getValue().toString())).orElse(null),
                Map.of("tier", tier, "expiresAt", expiresAt.toString(), "reason", reason == null ? "" : reason));
    }

    @Transactional
    public void removeFloor(MemberId member) {
        if (purchases.removeTierFloor(member.value()) == 0) {
            throw ProblemException.notFound("TIER_FLOOR_NOT_FOUND", "This member has no manual tier.");
        }
        audit.record("TIER_FLOOR_REMOVED", "member", member.value(), null, null);
    }
}
