package io.patron.offers;

import io.patron.audit.AuditLog;
import io.patron.common.Callers;
import io.patron.common.ProblemException;
import io.patron.common.Validation;
import io.patron.coupons.Campaign;
import io.patron.coupons.Coupons;
import io.patron.journeys.ProgrammeHoldout;
import io.patron.segments.Segments;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Personal offers that anticipate needs, from each member's own purchase history.
 *
 * <p>Profiles: once a day (or on demand) the database works out for every member who bought in the
 * last year their favourite category (where they spend most, its share of their spend and what they
 * spend on it per receipt that has it), how often they come (average days between visits), their
 * usual basket and their last visit. A marketer proposes a batch — "your usual category, 15 % off"
 * to members whose favourite takes at least a share of their spend, or "we have not seen you for a
 * while" to members whose absence is well past their own rhythm — and reviews it: how many, the
 * expected and the largest cost, the categories, a sample of members. Approving creates the coupon
 * campaigns; a background run then issues each treated member's personal coupon and mails it to
 * those who agreed to marketing mail, once, a chunk at a time. A share of the batch is held out (a
 * hash of batch and member) so that its uplift can be measured; members of the programme-wide
 * hold-out are never proposed.
 */
@Service
public class Offers {

    private static final Logger log = LoggerFactory.getLogger(Offers.class);
    public static final int HOLDOUT_MAX = 50;
    public static final int SAMPLE_SIZE = 20;
    static final int CHUNK = 2_000;
    private static final int PROFILE_DAYS = 365;

    @io.swagger.v3.oas.annotations.media.Schema(name = "OfferKind")
    public enum Kind { FAVOURITE_CATEGORY, WIN_BACK }

    @io.swagger.v3.oas.annotations.media.Schema(name = "OfferStatus")
    public enum Status { PROPOSED, APPROVED, DISCARDED }

    /**
     * A batch: for FAVOURITE_CATEGORY {@code percent} off the member's favourite category, for members
     * whose favourite takes at least {@code minShare} of their spend; for WIN_BACK {@code amount} off a
     * next purchase, for members not seen for {@code lapsedDays} and for more than twice their usual
     * gap. Both need {@code minVisits} visits in the last year; coupons are valid {@code validDays}.
     */
    public record Batch(long id, Kind kind, String name, Status status, BigDecimal percent, BigDecimal amount, int validDays,
                        BigDecimal minShare, int minVisits, int lapsedDays, int holdoutPercent, String segment, long candidates,
                        long treated, long heldOut, BigDecimal expectedCost, BigDecimal maximumCost, long delivered,
                        OffsetDateTime createdAt, String createdBy, OffsetDateTime approvedAt, String approvedBy) {
    }

    public record Proposal(Kind kind, String name, BigDecimal percent, BigDecimal amount, Integer validDays, BigDecimal minShare,
                           Integer minVisits, Integer lapsedDays, Integer holdoutPercent, String segment) {
    }

    /** What a member's history says, as the profiles hold it. */
    public record Profile(long memberId, String favouriteCategory, BigDecimal favouriteShare, BigDecimal favouritePerVisit, int visits,
                          BigDecimal spend, BigDecimal averageBasket, BigDecimal rhythmDays, OffsetDateTime lastVisit) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final Coupons coupons;
    private final Segments segments;
    private final ProgrammeHoldout programmeHoldout;
    private final OfferMails mails;
    private final AuditLog audit;
    private final Clock clock;

    Offers(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions, Coupons coupons, Segments segments,
           ProgrammeHoldout programmeHoldout, OfferMails mails, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
        this.coupons = coupons;
        this.segments = segments;
        this.programmeHoldout = programmeHoldout;
        this.mails = mails;
        this.audit = audit;
        this.clock = clock;
    }

    // --- profiles

    @Scheduled(fixedDelayString = "${patron.offers.profiles-millis:86400000}",
            initialDelayString = "${patron.offers.profiles-initial-delay-millis:900000}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "member-profiles", lockAtMostFor = "PT2H")
    public void scheduledProfiles() {
        long started = System.nanoTime();
        long n = computeProfiles();
        log.info("Member profiles worked out for {} members in {} ms", n, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Works every profile out again from the last year's purchases, in one statement (readers see the
     * old profiles until it commits); answers how many members have one.
     */
    public long computeProfiles() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return transactions.execute(status -> {
            jdbc.sql("DELETE FROM member_profiles").update();
            return (long) jdbc.sql("""
                    INSERT INTO member_profiles (member_id, favourite_category, favourite_share, favourite_per_visit, visits, spend,
                        average_basket, rhythm_days, last_visit, computed_at)
                    SELECT s.member_id, f.category,
                           CASE WHEN s.spend > 0 THEN CAST(f.spend / s.spend AS DECIMAL(7,4)) END,
                           CASE WHEN f.receipts > 0 THEN CAST(f.spend / f.receipts AS DECIMAL(14,2)) END,
                           s.visits, s.spend, CAST(s.spend / s.visits AS DECIMAL(14,2)),
                           CASE WHEN s.visits > 1 THEN CAST((s.last_epoch - s.first_epoch) / 86400.0 / (s.visits - 1) AS DECIMAL(9,1)) END,
                           s.last_visit, :now
                    FROM (SELECT p.member_id, COUNT(*) AS visits, SUM(p.subtotal - p.discount_total) AS spend, MAX(p.occurred_at) AS last_visit,
                                 MIN(EXTRACT(EPOCH FROM p.occurred_at)) AS first_epoch, MAX(EXTRACT(EPOCH FROM p.occurred_at)) AS last_epoch
                          FROM purchases p JOIN members m ON m.id = p.member_id AND m.status = 'ACTIVE'
                          WHERE p.member_id IS NOT NULL AND p.occurred_at >= :from AND p.occurred_at <= :now
                          GROUP BY p.member_id) s
                    LEFT JOIN (SELECT member_id, category, spend, receipts FROM (
                                 SELECT p.member_id, l.category, SUM(l.amount - l.discount) AS spend, COUNT(DISTINCT p.id) AS receipts,
                                        ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY SUM(l.amount - l.discount) DESC, l.category) AS rn
                                 FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id
                                 WHERE p.member_id IS NOT NULL AND p.occurred_at >= :from AND p.occurred_at <= :now
                                   AND l.eligible = TRUE AND l.category IS NOT NULL
                                 GROUP BY p.member_id, l.category) r WHERE rn = 1) f ON f.member_id = s.member_id""")
                    .param("now", now).param("from", now.minusDays(PROFILE_DAYS)).update();
        });
    }

    public Optional<Profile> profile(long memberId) {
        return jdbc.sql("SELECT * FROM member_profiles WHERE member_id = :m").param("m", memberId).query(Offers::profileRow).optional();
    }

    private static Profile profileRow(ResultSet rs, int i) throws SQLException {
        return new Profile(rs.getLong("member_id"), rs.getString("favourite_category"), rs.getBigDecimal("favourite_share"),
                rs.getBigDecimal("favourite_per_visit"), rs.getInt("visits"), rs.getBigDecimal("spend"), rs.getBigDecimal("average_basket"),
                rs.getBigDecimal("rhythm_days"), rs.getObject("last_visit", OffsetDateTime.class));
    }

    // --- proposing and reviewing

    /** Proposes a batch from the current profiles: its candidates, hold-out and costs, for review. */
    public Batch propose(Proposal p) {
        Proposal checked = check(p);
        Segments.MemberSet segment = checked.segment() == null ? null : segments.memberSet(segments.byCode(checked.segment())
                .orElseThrow(() -> ProblemException.invalid("segment", "a saved segment's code")).definition());
        OffsetDateTime now = OffsetDateTime.now(clock);
        long id = transactions.execute(status -> insertBatch(checked, now));
        long after = 0;
        while (true) {
            List<Profile> chunk = candidates(checked, segment, now, after);
            if (chunk.isEmpty()) {
                break;
            }
            transactions.executeWithoutResult(status -> addCandidates(id, checked, chunk));
            after = chunk.getLast().memberId();
        }
        transactions.executeWithoutResult(status -> {
            jdbc.sql("""
                    UPDATE offer_batches SET
                      candidates = (SELECT COUNT(*) FROM offer_candidates WHERE batch_id = :id),
                      held_out = (SELECT COUNT(*) FROM offer_candidates WHERE batch_id = :id AND holdout = TRUE),
                      treated = (SELECT COUNT(*) FROM offer_candidates WHERE batch_id = :id AND holdout = FALSE),
                      expected_cost = (SELECT COALESCE(SUM(expected_cost), 0) FROM offer_candidates WHERE batch_id = :id AND holdout = FALSE)
                    WHERE id = :id""").param("id", id).update();
            jdbc.sql("UPDATE offer_batches SET maximum_cost = :max WHERE id = :id").param("id", id)
                    .param("max", maximumCost(id, checked)).update();
        });
        Batch batch = batch(id);
        audit.record("OFFER_BATCH_PROPOSED", "offer-batch", id, null, Map.of("kind", batch.kind().name(), "candidates", batch.candidates()));
        return batch;
    }

    private Proposal check(Proposal p) {
        Validation v = new Validation();
        if (p == null || p.kind() == null) {
            throw ProblemException.invalid("kind", "FAVOURITE_CATEGORY or WIN_BACK");
        }
        if (p.name() == null || p.name().isBlank() || p.name().length() > 200) {
            v.reject("name", "is required, at most 200 characters");
        }
        if (p.kind() == Kind.FAVOURITE_CATEGORY && (p.percent() == null || p.percent().signum() <= 0 || p.percent().compareTo(BigDecimal.valueOf(90)) > 0)) {
            v.reject("percent", "more than 0 and at most 90");
        }
        if (p.kind() == Kind.WIN_BACK && (p.amount() == null || p.amount().signum() <= 0 || p.amount().compareTo(BigDecimal.valueOf(1_000_000)) > 0
                || p.amount().scale() > 2)) {
            v.reject("amount", "a positive amount with at most 2 decimals");
        }
        int validDays = p.validDays() == null ? 30 : p.validDays();
        if (validDays < 1 || validDays > 365) {
            v.reject("validDays", "1 to 365");
        }
        BigDecimal minShare = p.minShare() == null ? new BigDecimal("0.25") : p.minShare();
        if (minShare.signum() < 0 || minShare.compareTo(BigDecimal.ONE) > 0) {
            v.reject("minShare", "0 to 1");
        }
        int minVisits = p.minVisits() == null ? 2 : p.minVisits();
        if (minVisits < 1 || minVisits > 1_000) {
            v.reject("minVisits", "1 to 1000");
        }
        int lapsedDays = p.lapsedDays() == null ? 42 : p.lapsedDays();
        if (lapsedDays < 1 || lapsedDays > 365) {
            v.reject("lapsedDays", "1 to 365");
        }
        int holdout = p.holdoutPercent() == null ? 10 : p.holdoutPercent();
        if (holdout < 0 || holdout > HOLDOUT_MAX) {
            v.reject("holdoutPercent", "0 to " + HOLDOUT_MAX);
        }
        String segment = p.segment() == null || p.segment().isBlank() ? null : p.segment().trim().toUpperCase(Locale.ROOT);
        if (segment != null && segment.length() > 40) {
            v.reject("segment", "a saved segment's code");
        }
        v.throwIfInvalid();
        return new Proposal(p.kind(), p.name().trim(), p.kind() == Kind.FAVOURITE_CATEGORY ? p.percent() : null,
                p.kind() == Kind.WIN_BACK ? p.amount() : null, validDays, minShare, minVisits, lapsedDays, holdout, segment);
    }

    private long insertBatch(Proposal p, OffsetDateTime now) {
        var keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO offer_batches (kind, name, status, percent, amount, valid_days, min_share, min_visits, lapsed_days, holdout_percent,
                    segment, candidates, treated, held_out, expected_cost, maximum_cost, delivered, created_at, created_by)
                VALUES (:kind, :name, 'PROPOSED', :percent, :amount, :valid, :share, :visits, :lapsed, :holdout, :segment, 0, 0, 0, 0, 0, 0,
                    :now, :by)""")
                .param("kind", p.kind().name()).param("name", p.name()).param("percent", p.percent()).param("amount", p.amount())
                .param("valid", p.validDays()).param("share", p.minShare()).param("visits", p.minVisits()).param("lapsed", p.lapsedDays())
                .param("holdout", p.holdoutPercent()).param("segment", p.segment()).param("now", now).param("by", Callers.actorName())
                .update(keys, "id");
        return keys.getKeyAs(Number.class).longValue();
    }

    /** The next chunk of profiles that qualify for the batch, in member order. */
    private List<Profile> candidates(Proposal p, Segments.MemberSet segment, OffsetDateTime now, long after) {
        StringBuilder sql = new StringBuilder("SELECT f.* FROM member_profiles f WHERE f.member_id > :after AND f.visits >= :visits"
                + " AND f.member_id NOT IN (SELECT member_id FROM programme_holdout)");
        if (p.kind() == Kind.FAVOURITE_CATEGORY) {
            sql.append(" AND f.favourite_category IS NOT NULL AND f.favourite_share >= :share");
        } else {
            sql.append(" AND f.last_visit < :lapsedBefore AND f.rhythm_days IS NOT NULL");
        }
        if (segment != null) {
            sql.append(" AND f.member_id IN (").append(segment.sql()).append(")");
        }
        sql.append(" ORDER BY f.member_id LIMIT :limit");
        var q = jdbc.sql(sql.toString()).param("after", after).param("visits", p.minVisits()).param("limit", CHUNK);
        if (p.kind() == Kind.FAVOURITE_CATEGORY) {
            q = q.param("share", p.minShare());
        } else {
            q = q.param("lapsedBefore", now.minusDays(p.lapsedDays()));
        }
        if (segment != null) {
            for (var e : segment.params().entrySet()) {
                q = q.param(e.getKey(), e.getValue());
            }
        }
        List<Profile> rows = q.query(Offers::profileRow).list();
        if (p.kind() == Kind.WIN_BACK) {
            // Lapsing by their own measure too: away for more than twice their usual gap between visits.
            List<Profile> lapsing = new ArrayList<>();
            for (Profile f : rows) {
                long away = java.time.Duration.between(f.lastVisit(), now).toDays();
                if (BigDecimal.valueOf(away).compareTo(f.rhythmDays().multiply(BigDecimal.TWO)) > 0) {
                    lapsing.add(f);
                }
            }
            // Keep the keyset position even when a whole chunk drops out.
            if (lapsing.isEmpty() && !rows.isEmpty()) {
                lapsing.add(new Profile(rows.getLast().memberId(), null, null, null, -1, null, null, null, null));
            }
            return lapsing;
        }
        return rows;
    }

    private void addCandidates(long batchId, Proposal p, List<Profile> chunk) {
        List<Object[]> rows = new ArrayList<>();
        for (Profile f : chunk) {
            if (f.visits() < 0) {
                continue;
            }
            boolean holdout = heldOut(batchId, f.memberId(), p.holdoutPercent());
            rows.add(new Object[] {batchId, f.memberId(), p.kind() == Kind.FAVOURITE_CATEGORY ? f.favouriteCategory() : null,
                    expectedCost(p, f), holdout, false});
        }
        template.batchUpdate("INSERT INTO offer_candidates (batch_id, member_id, category, expected_cost, holdout, delivered) VALUES (?, ?, ?, ?, ?, ?)",
                rows);
    }

    /**
     * What one member's coupon is expected to cost: the discount it would take off what they spend on
     * their favourite category per receipt (their own receipts of the last year replayed with the
     * coupon), or the win-back amount; times the chance that they come within the validity at their own
     * rhythm (at most 1; one half when they came only once).
     */
    static BigDecimal expectedCost(Proposal p, Profile f) {
        BigDecimal perUse = p.kind() == Kind.FAVOURITE_CATEGORY
                ? f.favouritePerVisit().multiply(p.percent()).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP)
                : p.amount();
        BigDecimal chance = f.rhythmDays() == null || f.rhythmDays().signum() == 0 ? new BigDecimal("0.5")
                : BigDecimal.valueOf(p.validDays()).divide(f.rhythmDays(), 4, RoundingMode.HALF_UP).min(BigDecimal.ONE);
        return perUse.multiply(chance).setScale(2, RoundingMode.HALF_UP);
    }

    /** The cost if every treated member used their coupon once on their usual spend. */
    private BigDecimal maximumCost(long batchId, Proposal p) {
        if (p.kind() == Kind.WIN_BACK) {
            long treated = jdbc.sql("SELECT COUNT(*) FROM offer_candidates WHERE batch_id = :id AND holdout = FALSE").param("id", batchId)
                    .query(Long.class).single();
            return p.amount().multiply(BigDecimal.valueOf(treated));
        }
        return jdbc.sql("""
                SELECT COALESCE(SUM(f.favourite_per_visit), 0) FROM offer_candidates c JOIN member_profiles f ON f.member_id = c.member_id
                WHERE c.batch_id = :id AND c.holdout = FALSE""").param("id", batchId).query(BigDecimal.class).single()
                .multiply(p.percent()).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
    }

    /** Whether a member is in the batch's hold-out group: a hash of both ids, so a re-run agrees. */
    static boolean heldOut(long batchId, long memberId, int percent) {
        if (percent <= 0) {
            return false;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("offer:" + batchId + ":" + memberId).getBytes(StandardCharsets.UTF_8));
            return Math.floorMod(((h[0] & 0xff) << 8) | (h[1] & 0xff), 100) < percent;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Batch batch(long id) {
        return jdbc.sql("SELECT * FROM offer_batches WHERE id = :id").param("id", id).query(Offers::batchRow).optional()
                .orElseThrow(() -> ProblemException.notFound("OFFER_BATCH_NOT_FOUND", "No offer batch " + id + "."));
    }

    public List<Batch> list(int limit) {
        return jdbc.sql("SELECT * FROM offer_batches ORDER BY id DESC LIMIT :l").param("l", Math.min(limit, 100)).query(Offers::batchRow).list();
    }

    private static Batch batchRow(ResultSet rs, int i) throws SQLException {
        return new Batch(rs.getLong("id"), Kind.valueOf(rs.getString("kind")), rs.getString("name"), Status.valueOf(rs.getString("status")),
                rs.getBigDecimal("percent"), rs.getBigDecimal("amount"), rs.getInt("valid_days"), rs.getBigDecimal("min_share"),
                rs.getInt("min_visits"), rs.getInt("lapsed_days"), rs.getInt("holdout_percent"), rs.getString("segment"),
                rs.getLong("candidates"), rs.getLong("treated"), rs.getLong("held_out"), rs.getBigDecimal("expected_cost"),
                rs.getBigDecimal("maximum_cost"), rs.getLong("delivered"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getString("created_by"), rs.getObject("approved_at", OffsetDateTime.class), rs.getString("approved_by"));
    }

    /** Candidates per category (the largest 20) with their expected cost: what a reviewer looks at. */
    public record CategoryCount(String category, long members, BigDecimal expectedCost) {
    }

    public List<CategoryCount> categories(long batchId) {
        return jdbc.sql("""
                SELECT category, COUNT(*), COALESCE(SUM(expected_cost), 0) FROM offer_candidates WHERE batch_id = :id AND holdout = FALSE
                GROUP BY category ORDER BY COUNT(*) DESC, category LIMIT 20""").param("id", batchId)
                .query((rs, i) -> new CategoryCount(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3))).list();
    }

    /** A sample of the batch's members: a few chosen by a hash, so a reviewer sees a spread, not the oldest ids. */
    public record Sample(long memberId, String firstName, String category, BigDecimal favouriteShare, BigDecimal rhythmDays,
                         OffsetDateTime lastVisit, BigDecimal expectedCost, boolean holdout) {
    }

    public List<Sample> sample(long batchId) {
        return jdbc.sql("""
                SELECT c.member_id, m.first_name, c.category, f.favourite_share, f.rhythm_days, f.last_visit, c.expected_cost, c.holdout
                FROM offer_candidates c JOIN members m ON m.id = c.member_id LEFT JOIN member_profiles f ON f.member_id = c.member_id
                WHERE c.batch_id = :id ORDER BY MOD(c.member_id * 7919, 1000003), c.member_id LIMIT :l""")
                .param("id", batchId).param("l", SAMPLE_SIZE)
                .query((rs, i) -> new Sample(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getBigDecimal(5),
                        rs.getObject(6, OffsetDateTime.class), rs.getBigDecimal(7), rs.getBoolean(8))).list();
    }

    // --- approving and delivering

    /**
     * Approves a proposed batch: its coupon campaigns are created now (one per category, or one
     * win-back campaign) and the background run issues and mails the coupons.
     */
    public Batch approve(long id) {
        Batch b = batch(id);
        if (b.status() != Status.PROPOSED) {
            throw ProblemException.conflict("OFFER_BATCH_NOT_PROPOSED", "This batch was " + b.status().name().toLowerCase(Locale.ROOT) + ".", null);
        }
        transactions.executeWithoutResult(status -> {
            for (String category : batchCategories(id)) {
                coupons.createCampaign(campaign(b, category));
            }
            int updated = jdbc.sql("UPDATE offer_batches SET status = 'APPROVED', approved_at = :now, approved_by = :by WHERE id = :id AND status = 'PROPOSED'")
                    .param("now", OffsetDateTime.now(clock)).param("by", Callers.actorName()).param("id", id).update();
            if (updated == 0) {
                throw ProblemException.conflict("OFFER_BATCH_NOT_PROPOSED", "This batch was approved or discarded meanwhile.", null);
            }
            audit.record("OFFER_BATCH_APPROVED", "offer-batch", id, null, Map.of("treated", b.treated(), "expectedCost", b.expectedCost()));
        });
        return batch(id);
    }

    public Batch discard(long id) {
        int updated = jdbc.sql("UPDATE offer_batches SET status = 'DISCARDED' WHERE id = :id AND status = 'PROPOSED'").param("id", id).update();
        if (updated == 0) {
            batch(id);
            throw ProblemException.conflict("OFFER_BATCH_NOT_PROPOSED", "Only a proposed batch can be discarded.", null);
        }
        audit.record("OFFER_BATCH_DISCARDED", "offer-batch", id, null, null);
        return batch(id);
    }

    private List<String> batchCategories(long id) {
        return jdbc.sql("SELECT DISTINCT COALESCE(category, '') FROM offer_candidates WHERE batch_id = :id AND holdout = FALSE")
                .param("id", id).query(String.class).list();
    }

    /** The campaign of a batch's category: readable, and told apart by a hash when two categories read the same once cleaned. */
    static String campaignCode(long batchId, String category) {
        String c = category == null ? "" : category;
        String readable = c.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        readable = readable.substring(0, Math.min(12, readable.length()));
        String hash = Integer.toString(Math.floorMod(c.hashCode(), 36 * 36 * 36), 36).toUpperCase(Locale.ROOT);
        return "OFFER" + batchId + "-" + (readable.isEmpty() ? "X" : readable) + "-" + hash;
    }

    private Coupons.CampaignRequest campaign(Batch b, String category) {
        boolean favourite = b.kind() == Kind.FAVOURITE_CATEGORY;
        return new Coupons.CampaignRequest(campaignCode(b.id(), category), b.name() + (favourite ? " · " + category : ""),
                favourite ? Campaign.EffectType.PERCENT_DISCOUNT : Campaign.EffectType.FIXED_DISCOUNT, favourite ? b.percent() : b.amount(), null,
                1, null, null, null, b.validDays(), null, List.of(), favourite ? List.of(category) : List.of(), List.of(),
                Campaign.Stacking.STACK, null, null);
    }

    @Scheduled(fixedDelayString = "${patron.offers.deliver-millis:30000}", initialDelayString = "${patron.offers.initial-delay-millis:60000}")
    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "offer-delivery", lockAtMostFor = "PT30M")
    public void scheduledDelivery() {
        long n = deliverDue();
        if (n > 0) {
            log.info("Personal offers delivered: {}", n);
        }
    }

    /**
     * Issues and mails the coupons of approved batches, a chunk per transaction: each candidate's
     * coupon, its mail (with consent) and its delivered mark commit together, so a crash neither loses
     * nor doubles one. Answers how many were delivered.
     */
    public long deliverDue() {
        long total = 0;
        for (Batch b : jdbc.sql("SELECT * FROM offer_batches WHERE status = 'APPROVED' AND delivered < treated ORDER BY id")
                .query(Offers::batchRow).list()) {
            while (true) {
                Long done = transactions.execute(status -> deliverChunk(b));
                total += done;
                if (done < CHUNK) {
                    break;
                }
            }
        }
        return total;
    }

    private long deliverChunk(Batch b) {
        List<Object[]> due = jdbc.sql("""
                SELECT member_id, category FROM offer_candidates WHERE batch_id = :id AND holdout = FALSE AND delivered = FALSE
                ORDER BY member_id LIMIT :l FOR UPDATE""")
                .param("id", b.id()).param("l", CHUNK).query((rs, i) -> new Object[] {rs.getLong(1), rs.getString(2)}).list();
        OffsetDateTime now = OffsetDateTime.now(clock);
        Map<String, Campaign> campaigns = new java.util.HashMap<>();
        for (Object[] d : due) {
            long member = (Long) d[0];
            String category = d[1] == null ? "" : (String) d[1];
            Campaign campaign = campaigns.computeIfAbsent(category, c -> coupons.campaignByCode(campaignCode(b.id(), c)).orElseThrow());
            var issued = coupons.issue(campaign, member, now, null);
            jdbc.sql("UPDATE offer_candidates SET delivered = TRUE, coupon_code = :code WHERE batch_id = :id AND member_id = :m")
                    .param("code", issued.code()).param("id", b.id()).param("m", member).update();
            mails.send(b, member, category, issued);
        }
        if (!due.isEmpty()) {
            jdbc.sql("UPDATE offer_batches SET delivered = delivered + :n WHERE id = :id").param("n", due.size()).param("id", b.id()).update();
        }
        return due.size();
    }
}
