package io.patron.coupons;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import io.patron.coupons.internal.CouponRepository;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Coupon campaigns and codes: create a campaign, give it codes (generated, imported, one public
 * code), issue personal coupons, check the codes a till sends, use them at most as often as allowed
 * and give single-use coupons back when their purchase is returned.
 */
@Service
public class Coupons {

    public static final int GENERATE_MAX = 1_000_000;
    static final int CHUNK = 20_000;
    static final int GENERATE_THREADS = 2;
    private static final Pattern CAMPAIGN_CODE = Pattern.compile("[A-Z0-9][A-Z0-9-]{1,39}");
    private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9-]{3,63}");

    private final CouponRepository repository;
    private final AuditLog audit;
    private final Clock clock;

    public static final String COUPON_ISSUED = "coupon.issued";

    private final io.patron.events.Events events;

    Coupons(CouponRepository repository, AuditLog audit, Clock clock, io.patron.events.Events events) {
        this.events = events;
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
    }

    /** A campaign as a marketer describes it; {@code publicCode} makes it a one-code-for-everyone campaign. */
    public record CampaignRequest(String code, String name, Campaign.EffectType effectType, BigDecimal effectValue, String freeSku,
                                  Integer usesPerCode, Integer usesPerMember, OffsetDateTime validFrom, OffsetDateTime validTo,
                                  Integer validDays, BigDecimal minBasket, List<String> stores, List<String> categories,
                                  List<String> skus, Campaign.Stacking stacking, String partner, String publicCode) {
    }

    @Transactional
    public Campaign createCampaign(CampaignRequest r) {
        Validation v = new Validation();
        String code = r.code() == null ? "" : r.code().trim().toUpperCase(Locale.ROOT);
        if (!CAMPAIGN_CODE.matcher(code).matches()) {
            v.reject("code", "2 to 40 letters, digits or -");
        } else if (repository.campaignByCode(code).isPresent()) {
            v.reject("code", "another campaign has this code");
        }
        if (r.name() == null || r.name().isBlank() || r.name().length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        if (r.effectType() == null) {
            v.reject("effectType", "PERCENT_DISCOUNT, FIXED_DISCOUNT, FREE_PRODUCT or BONUS_POINTS");
        } else {
            BigDecimal value = r.effectValue();
            boolean ok = value != null && switch (r.effectType()) {
                case PERCENT_DISCOUNT -> value.signum() > 0 && value.compareTo(BigDecimal.valueOf(100)) <= 0;
                case FIXED_DISCOUNT -> value.signum() > 0 && value.compareTo(BigDecimal.valueOf(10_000_000)) <= 0 && value.scale() <= 2;
                case FREE_PRODUCT -> true;
                case BONUS_POINTS -> value.signum() > 0 && value.compareTo(BigDecimal.valueOf(1_000_000)) <= 0
                        && value.stripTrailingZeros().scale() <= 0;
            };
            if (!ok) {
                v.reject("effectValue", switch (r.effectType()) {
                    case PERCENT_DISCOUNT -> "a percent above 0 and at most 100";
                    case FIXED_DISCOUNT -> "an amount above 0 with at most 2 decimals";
                    case FREE_PRODUCT -> "is required (0 is fine)";
                    case BONUS_POINTS -> "a whole number of points from 1 to 1000000";
                });
            }
            if (r.effectType() == Campaign.EffectType.FREE_PRODUCT && (r.freeSku() == null || r.freeSku().isBlank())) {
                v.reject("freeSku", "the SKU given free is required");
            }
        }
        if (r.usesPerCode() != null && (r.usesPerCode() < 1 || r.usesPerCode() > 1_000_000)) {
            v.reject("usesPerCode", "1 to 1000000, or empty for no limit");
        }
        if (r.usesPerMember() != null && (r.usesPerMember() < 1 || r.usesPerMember() > 1000)) {
            v.reject("usesPerMember", "1 to 1000, or empty for no limit");
        }
        if (r.validFrom() != null && r.validTo() != null && !r.validTo().isAfter(r.validFrom())) {
            v.reject("validTo", "must be after validFrom");
        }
        if (r.validDays() != null && (r.validDays() < 1 || r.validDays() > 3650)) {
            v.reject("validDays", "1 to 3650 days");
        }
        if (r.minBasket() != null && r.minBasket().signum() < 0) {
            v.reject("minBasket", "must be 0 or more");
        }
        String publicCode = r.publicCode() == null || r.publicCode().isBlank() ? null : CouponCodes.normalise(r.publicCode());
        if (publicCode != null && (!CODE.matcher(publicCode).matches() || repository.byCode(publicCode).isPresent())) {
            v.reject("publicCode", "4 to 64 letters, digits or -, not used by another coupon");
        }
        for (var list : Map.of("stores", lists(r.stores()), "categories", lists(r.categories()), "skus", lists(r.skus())).entrySet()) {
            if (list.getValue().size() > 200 || list.getValue().stream().anyMatch(s -> s.length() > 64 || s.contains(","))) {
                v.reject(list.getKey(), "at most 200 entries of at most 64 characters, without commas");
            }
        }
        if (r.partner() != null && r.partner().length() > 200) {
            v.reject("partner", "at most 200 characters");
        }
        v.throwIfInvalid();
        OffsetDateTime now = OffsetDateTime.now(clock);
        Campaign campaign = new Campaign(repository.nextId(), code, r.name().trim(),
                new Campaign.Effect(r.effectType(), r.effectValue(), r.freeSku() == null ? null : r.freeSku().trim()),
                publicCode != null && r.usesPerCode() == null ? null : r.usesPerCode() == null ? Integer.valueOf(1) : r.usesPerCode(),
                r.usesPerMember(), r.validFrom(), r.validTo(), r.validDays(), r.minBasket(),
                lists(r.stores()).stream().map(s -> s.toUpperCase(Locale.ROOT)).toList(),
                lists(r.categories()).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList(), lists(r.skus()),
                r.stacking() == null ? Campaign.Stacking.STACK : r.stacking(),
                r.partner() == null || r.partner().isBlank() ? null : r.partner().trim(), Campaign.Status.ACTIVE,
                Callers.actorName(), now);
        repository.insertCampaign(campaign);
        if (publicCode != null) {
            repository.insertCoupon(new Coupon(repository.nextId(), campaign.id(), publicCode, null, 0, Coupon.Status.ACTIVE,
                    campaign.validFrom(), campaign.validTo(), now, null));
        }
        audit.record("COUPON_CAMPAIGN_CREATED", "coupon_campaign", campaign.id(), null,
                Map.of("code", campaign.code(), "name", campaign.name()));
        return campaign;
    }

    private static List<String> lists(List<String> values) {
        return values == null ? List.of() : values.stream().filter(s -> s != null && !s.isBlank()).map(String::trim).toList();
    }

    public Campaign campaign(long id) {
        return repository.campaign(id).orElseThrow(() -> ProblemException.notFound("CAMPAIGN_NOT_FOUND", "No coupon campaign " + id + "."));
    }

    public Optional<Campaign> campaignByCode(String code) {
        return repository.campaignByCode(CouponCodes.normalise(code));
    }

    /** A campaign with its counts: codes issued, codes used, unused codes expired, uses. */
    public record CampaignSummary(Campaign campaign, long issued, long used, long expired, long uses) {
    }

    public CampaignSummary summary(long id) {
        Campaign campaign = campaign(id);
        long[] c = repository.counts(id, OffsetDateTime.now(clock));
        return new CampaignSummary(campaign, c[0], c[1], c[2], c[3]);
    }

    public Page<CampaignSummary> campaigns(PageRequest page) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<CampaignSummary> items = repository.campaigns(page.size(), page.offset()).stream().map(c -> {
            long[] n = repository.counts(c.id(), now);
            return new CampaignSummary(c, n[0], n[1], n[2], n[3]);
        }).toList();
        return new Page<>(items, page.page(), page.size(), repository.countCampaigns());
    }

    @Transactional
    public void end(long id) {
        campaign(id);
        repository.setCampaignStatus(id, Campaign.Status.ENDED);
        audit.record("COUPON_CAMPAIGN_ENDED", "coupon_campaign", id, null, null);
    }

    /**
     * Generates {@code count} new unique codes for a campaign, a chunk per transaction, reporting the
     * codes made so far; a code that happens to exist already is drawn again.
     */
    public long generate(long campaignId, int count, LongConsumer progress) {
        Campaign campaign = campaign(campaignId);
        if (count < 1 || count > GENERATE_MAX) {
            throw ProblemException.invalid("count", "1 to " + GENERATE_MAX);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        java.util.concurrent.atomic.AtomicLong made = new java.util.concurrent.atomic.AtomicLong();
        // Two chunks at a time: the database maintains the indexes of one while the other is drawn and sent.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(GENERATE_THREADS);
        try {
            while (made.get() < count) {
                long missing = count - made.get();
                List<java.util.concurrent.Future<Integer>> chunks = new ArrayList<>();
                for (long planned = 0; planned < missing; planned += CHUNK) {
                    int chunk = (int) Math.min(CHUNK, missing - planned);
                    chunks.add(pool.submit(() -> {
                        int inserted = repository.insertCodes(campaignId, new ArrayList<>(CouponCodes.distinct(campaign.code(), chunk)),
                                campaign.validFrom(), campaign.validTo(), now);
                        progress.accept(made.addAndGet(inserted));
                        return inserted;
                    }));
                }
                for (var chunk : chunks) {
                    chunk.get();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("code generation interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        audit.record("COUPON_CODES_GENERATED", "coupon_campaign", campaignId, null, Map.of("count", count));
        return made.get();
    }

    /** Adds codes from a list (a partner's); answers how many were new. Codes must be 4–64 letters, digits or -. */
    @Transactional
    public int importCodes(long campaignId, List<String> codes) {
        Campaign campaign = campaign(campaignId);
        List<String> clean = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            String code = CouponCodes.normalise(codes.get(i));
            if (!CODE.matcher(code).matches()) {
                throw ProblemException.invalid("codes[" + i + "]", "4 to 64 letters, digits or -");
            }
            clean.add(code);
        }
        int added = clean.isEmpty() ? 0 : repository.insertCodes(campaignId, clean, campaign.validFrom(), campaign.validTo(),
                OffsetDateTime.now(clock));
        audit.record("COUPON_CODES_IMPORTED", "coupon_campaign", campaignId, null, Map.of("read", clean.size(), "added", added));
        return added;
    }

    /**
     * Issues a personal coupon of a campaign to a member, valid from {@code at} for the campaign's
     * {@code validDays} (or its window); {@code purchaseId} when a sale earned it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public IssuedCoupon issue(Campaign campaign, long memberId, OffsetDateTime at, Long purchaseId) {
        OffsetDateTime from = campaign.validFrom() != null && campaign.validFrom().isAfter(at) ? campaign.validFrom() : at;
        OffsetDateTime to = campaign.validDays() != null ? at.plusDays(campaign.validDays()) : campaign.validTo();
        if (campaign.validTo() != null && to != null && to.isAfter(campaign.validTo())) {
            to = campaign.validTo();
        }
        for (int attempt = 0; ; attempt++) {
            // A code is drawn from a space too large to meet an existing one but by chance; the insert
            // itself is the check (one statement on the till's path), and another code is drawn on a clash.
            String code = CouponCodes.next(campaign.code());
            if (repository.insertIssued(campaign.id(), code, memberId, from, to, OffsetDateTime.now(clock), purchaseId)) {
                if (purchaseId == null) {
                    // a sale's coupons travel in the sale's own event: one row less on the till's path
                    events.record(COUPON_ISSUED, memberId, null, Map.of("couponCode", code, "campaign", campaign.code()), at);
                }
                return new IssuedCoupon(code, campaign.code(), campaign.name(), campaign.effect().type(), campaign.effect().value(), from, to);
            }
            if (attempt >= 5) {
                throw new IllegalStateException("no free coupon code for campaign " + campaign.code() + " after 6 tries");
            }
        }
    }

    /** Issues a coupon of the campaign to a member now (a marketer's or support's gift). */
    @Transactional
    public IssuedCoupon give(long campaignId, long memberId) {
        Campaign campaign = campaign(campaignId);
        if (campaign.status() != Campaign.Status.ACTIVE) {
            throw ProblemException.conflict("CAMPAIGN_ENDED", "The campaign has ended.", "campaignId");
        }
        IssuedCoupon issued = issue(campaign, memberId, OffsetDateTime.now(clock), null);
        audit.record("COUPON_ISSUED", "member", memberId, null, Map.of("campaign", campaign.code(), "code", issued.code()));
        return issued;
    }

    /**
     * Gives each of these members a personal coupon of the campaign, skipping those who hold one of
     * it still unused (so that giving to a segment twice does not double up); answers how many got one.
     */
    @Transactional
    public int giveToMembers(long campaignId, List<Long> memberIds) {
        Campaign campaign = campaign(campaignId);
        if (campaign.status() != Campaign.Status.ACTIVE) {
            throw ProblemException.conflict("CAMPAIGN_ENDED", "The campaign has ended.", "campaignId");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        java.util.Set<Long> holding = new java.util.HashSet<>(repository.membersHoldingUnused(campaignId, memberIds, now));
        int given = 0;
        for (long member : memberIds) {
            if (!holding.contains(member)) {
                issue(campaign, member, now, null);
                given++;
            }
        }
        return given;
    }

    /**
     * Judges the codes a till sent as far as possible without the basket, in their order: unknown,
     * outside its time, used up (for the code, or for this member), or someone else's coupon.
     */
    public List<CouponCheck> check(List<String> codes, Long memberId, OffsetDateTime at) {
        List<String> normal = codes.stream().map(CouponCodes::normalise).toList();
        Map<String, Coupon> found = new HashMap<>();
        repository.byCodes(normal).forEach(c -> found.put(c.code(), c));
        Map<Long, Campaign> campaigns = new HashMap<>();
        repository.campaigns(found.values().stream().map(Coupon::campaignId).distinct().toList()).forEach(c -> campaigns.put(c.id(), c));
        List<CouponCheck> checks = new ArrayList<>();
        for (String code : normal) {
            Coupon coupon = found.get(code);
            Campaign campaign = coupon == null ? null : campaigns.get(coupon.campaignId());
            checks.add(new CouponCheck(code, coupon, campaign, rejection(coupon, campaign, memberId, at)));
        }
        return checks;
    }

    private Rejection rejection(Coupon coupon, Campaign campaign, Long memberId, OffsetDateTime at) {
        if (coupon == null || campaign == null || coupon.status() == Coupon.Status.VOID) {
            return Rejection.NOT_FOUND;
        }
        OffsetDateTime from = coupon.validFrom() != null ? coupon.validFrom() : campaign.validFrom();
        OffsetDateTime to = coupon.validTo() != null ? coupon.validTo() : campaign.validTo();
        if (from != null && at.isBefore(from)) {
            return Rejection.NOT_STARTED;
        }
        if (to != null && !at.isBefore(to) || campaign.status() == Campaign.Status.ENDED) {
            return Rejection.EXPIRED;
        }
        if (coupon.memberId() != null && !coupon.memberId().equals(memberId)) {
            return Rejection.NOT_FOR_THIS_MEMBER;
        }
        if (campaign.usesPerCode() != null && coupon.uses() >= campaign.usesPerCode()) {
            return Rejection.USED_UP;
        }
        if (campaign.usesPerMember() != null) {
            if (memberId == null) {
                return Rejection.NOT_FOR_THIS_MEMBER;
            }
            if (repository.memberUses(memberId, campaign.id()) >= campaign.usesPerMember()) {
                return Rejection.USED_UP;
            }
        }
        return null;
    }

    /**
     * Takes one use of an applied coupon for a purchase. False when a concurrent sale took its last
     * use first: the caller prices again with the code used up.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean use(CouponCheck check, long purchaseId, Long memberId, OffsetDateTime at, BigDecimal discount, long points) {
        if (!repository.takeUse(check.coupon().id(), check.campaign().usesPerCode())) {
            return false;
        }
        repository.insertUse(check.coupon().id(), check.campaign().id(), purchaseId, memberId, at, discount, points);
        return true;
    }

    /** Gives back a use taken by {@link #use} in the same transaction (another coupon of the sale failed). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void release(CouponCheck check, long purchaseId) {
        repository.giveUseBack(check.coupon().id(), check.campaign().usesPerCode());
        repository.openUses(purchaseId).stream().filter(u -> u[1] == check.coupon().id())
                .forEach(u -> repository.markReturned(u[0], OffsetDateTime.now(clock)));
    }

    /**
     * A purchase came back in full: the coupons it used are given back while still valid (a used-up
     * single-use coupon can be used again), and unused coupons it earned are voided.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void purchaseReturned(long purchaseId, OffsetDateTime now) {
        for (long[] use : repository.openUses(purchaseId)) {
            Coupon coupon = repository.find(use[1]).orElseThrow();
            Campaign campaign = campaign(coupon.campaignId());
            OffsetDateTime to = coupon.validTo() != null ? coupon.validTo() : campaign.validTo();
            if (to == null || now.isBefore(to)) {
                repository.giveUseBack(coupon.id(), campaign.usesPerCode());
                repository.markReturned(use[0], now);
            }
        }
        repository.voidUnusedIssuedBy(purchaseId);
    }

    /** The coupons a sale issued (for the next visit, say), by campaign code, voided ones included. */
    public Map<String, Integer> issuedBy(long purchaseId) {
        return repository.issuedBy(purchaseId);
    }

    /**
     * Part of a purchase came back: of the coupons it issued, it keeps {@code keep} per campaign
     * (absent: none). Unused ones beyond that are voided, the newest first; one already used stays used.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void keepIssued(long purchaseId, Map<String, Integer> keep) {
        repository.issuedBy(purchaseId).forEach((campaign, count) -> {
            int extra = count - keep.getOrDefault(campaign, 0);
            if (extra > 0) {
                repository.voidNewestUnusedIssuedBy(purchaseId, campaign, extra);
            }
        });
    }

    /** What a partner's co-brand campaigns (those naming the partner's code) gave in a period. */
    public record PartnerFigures(long uses, long points, BigDecimal discount) {
    }

    /**
     * The co-brand coupon uses of a partner's campaigns on sales recorded in [from, to), less those
     * given back by returns in the period.
     */
    public PartnerFigures partnerFigures(String partnerCode, OffsetDateTime from, OffsetDateTime to) {
        Object[] f = repository.partnerUses(partnerCode.toUpperCase(java.util.Locale.ROOT), from, to);
        return new PartnerFigures((Long) f[0], (Long) f[1], (BigDecimal) f[2]);
    }

    /** Voids a coupon that was never used (a cancelled voucher); false when it has been used. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean voidIfUnused(String code) {
        return repository.voidIfUnused(code) == 1;
    }

    /** A merged duplicate's coupons and coupon uses belong to the survivor from now on (in the merge's transaction). */
    @org.springframework.context.event.EventListener
    void on(io.patron.members.MembersMerged merged) {
        repository.moveToMember(merged.merged().value(), merged.survivor().value());
    }

    /**
     * How many of a member's own coupons could be used now (valid, not used up by their code's limit):
     * one count for the cashier's prompt, without the per-member limits a sale would still check.
     */
    /** The member's coupons usable now, counted up to {@value #WAITING_CAP}. */
    public long waiting(long memberId, OffsetDateTime now) {
        return repository.waiting(memberId, now, WAITING_CAP);
    }

    public static final int WAITING_CAP = 10;

    /** A member's coupons, newest first, with their campaigns (the portal's "my coupons"). */
    public record MemberCoupon(Coupon coupon, Campaign campaign, boolean usable) {
    }

    public List<MemberCoupon> ofMember(long memberId) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Coupon> coupons = repository.ofMember(memberId, 100);
        Map<Long, Campaign> campaigns = new LinkedHashMap<>();
        repository.campaigns(coupons.stream().map(Coupon::campaignId).distinct().toList()).forEach(c -> campaigns.put(c.id(), c));
        return coupons.stream().map(c -> new MemberCoupon(c, campaigns.get(c.campaignId()),
                rejection(c, campaigns.get(c.campaignId()), memberId, now) == null)).toList();
    }

    public Page<Coupon> codes(long campaignId, String prefix, PageRequest page) {
        List<Coupon> items = repository.ofCampaign(campaignId, CouponCodes.normalise(prefix), page.size(), page.offset());
        return new Page<>(items, page.page(), page.size(), repository.countCodes(campaignId));
    }

    public Optional<Coupon> find(String code) {
        return repository.byCode(CouponCodes.normalise(code));
    }

    /** Writes a campaign's codes as CSV (code, member, uses, status, validFrom, validTo), a chunk at a time. */
    public void exportCsv(long campaignId, Writer out) throws IOException {
        campaign(campaignId);
        out.write("code,memberId,uses,status,validFrom,validTo\n");
        long after = 0;
        while (true) {
            List<Coupon> chunk = repository.ofCampaignAfter(campaignId, after, 10_000);
            for (Coupon c : chunk) {
                out.write(c.code() + "," + (c.memberId() == null ? "" : c.memberId()) + "," + c.uses() + "," + c.status() + ","
                        + (c.validFrom() == null ? "" : c.validFrom()) + "," + (c.validTo() == null ? "" : c.validTo()) + "\n");
            }
            if (chunk.size() < 10_000) {
                break;
            }
            after = chunk.getLast().id();
        }
        out.flush();
    }
}
