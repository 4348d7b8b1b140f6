package io.patron.coupons.internal;

import io.patron.coupons.Campaign;
import io.patron.coupons.Coupon;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Campaigns, codes and uses in SQL. */
@Repository
public class CouponRepository {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final boolean postgresql;

    CouponRepository(JdbcClient jdbc, JdbcTemplate template, DataSource dataSource) throws SQLException {
        this.jdbc = jdbc;
        this.template = template;
        try (var connection = dataSource.getConnection()) {
            this.postgresql = connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        }
    }

    public long nextId() {
        return jdbc.sql("SELECT nextval('coupon_seq')").query(Long.class).single();
    }

    public void insertCampaign(Campaign c) {
        jdbc.sql("""
                INSERT INTO coupon_campaigns (id, code, name, effect_type, effect_value, free_sku, uses_per_code, uses_per_member,
                    valid_from, valid_to, valid_days, min_basket, stores, categories, skus, stacking, partner, status, created_by, created_at)
                VALUES (:id, :code, :name, :type, :value, :sku, :perCode, :perMember, :from, :to, :days, :min, :stores, :categories,
                    :skus, :stacking, :partner, :status, :by, :at)""")
                .param("id", c.id()).param("code", c.code()).param("name", c.name()).param("type", c.effect().type().name())
                .param("value", c.effect().value()).param("sku", c.effect().sku()).param("perCode", c.usesPerCode())
                .param("perMember", c.usesPerMember()).param("from", c.validFrom()).param("to", c.validTo())
                .param("days", c.validDays()).param("min", c.minBasket()).param("stores", String.join(",", c.stores()))
                .param("categories", String.join(",", c.categories())).param("skus", String.join(",", c.skus()))
                .param("stacking", c.stacking().name()).param("partner", c.partner()).param("status", c.status().name())
                .param("by", c.createdBy()).param("at", c.createdAt()).update();
    }

    public Optional<Campaign> campaign(long id) {
        return jdbc.sql("SELECT * FROM coupon_campaigns WHERE id = :id").param("id", id).query(CouponRepository::campaign).optional();
    }

    public Optional<Campaign> campaignByCode(String code) {
        return jdbc.sql("SELECT * FROM coupon_campaigns WHERE code = :c").param("c", code).query(CouponRepository::campaign).optional();
    }

    public List<Campaign> campaigns(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM coupon_campaigns WHERE id IN (:ids)").param("ids", List.copyOf(ids))
                .query(CouponRepository::campaign).list();
    }

    public List<Campaign> campaigns(int limit, long offset) {
        return jdbc.sql("SELECT * FROM coupon_campaigns ORDER BY id DESC LIMIT :l OFFSET :o").param("l", limit).param("o", offset)
                .query(CouponRepository::campaign).list();
    }

    public long countCampaigns() {
        return jdbc.sql("SELECT COUNT(*) FROM coupon_campaigns").query(Long.class).single();
    }

    public void setCampaignStatus(long id, Campaign.Status status) {
        jdbc.sql("UPDATE coupon_campaigns SET status = :s WHERE id = :id").param("s", status.name()).param("id", id).update();
    }

    /** Issued, used (at least once, uses not given back) and expired unused codes of a campaign. */
    public long[] counts(long campaignId, OffsetDateTime now) {
        return jdbc.sql("""
                SELECT COUNT(*), SUM(CASE WHEN uses > 0 THEN 1 ELSE 0 END),
                       SUM(CASE WHEN uses = 0 AND valid_to IS NOT NULL AND valid_to <= :now THEN 1 ELSE 0 END),
                       (SELECT COUNT(*) FROM coupon_uses WHERE campaign_id = :c AND returned_at IS NULL)
                FROM coupons WHERE campaign_id = :c""")
                .param("c", campaignId).param("now", now)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)}).single();
    }

    /**
     * Issues a coupon with a new id in one statement; answers false, inserting nothing, when its code
     * exists already (the caller draws another).
     */
    public boolean insertIssued(long campaignId, String code, Long memberId, java.time.OffsetDateTime from, java.time.OffsetDateTime to,
                                java.time.OffsetDateTime at, Long purchaseId) {
        return jdbc.sql("""
                INSERT INTO coupons (id, campaign_id, code, member_id, uses, status, valid_from, valid_to, issued_at, issued_purchase_id)
                VALUES (nextval('coupon_seq'), :campaign, :code, :member, 0, 'ACTIVE', :from, :to, :at, :purchase) ON CONFLICT DO NOTHING""")
                .param("campaign", campaignId).param("code", code).param("member", memberId).param("from", from).param("to", to)
                .param("at", at).param("purchase", purchaseId).update() == 1;
    }

    public void insertCoupon(Coupon c) {
        jdbc.sql("""
                INSERT INTO coupons (id, campaign_id, code, member_id, uses, status, valid_from, valid_to, issued_at, issued_purchase_id)
                VALUES (:id, :campaign, :code, :member, 0, :status, :from, :to, :at, :purchase)""")
                .param("id", c.id()).param("campaign", c.campaignId()).param("code", c.code()).param("member", c.memberId())
                .param("status", c.status().name()).param("from", c.validFrom()).param("to", c.validTo())
                .param("at", c.issuedAt()).param("purchase", c.issuedPurchaseId()).update();
    }

    /**
     * Inserts codes of a campaign, skipping any that already exist anywhere; answers how many went in.
     * On PostgreSQL one statement per chunk (arrays unnested), elsewhere a JDBC batch.
     */
    public int insertCodes(long campaignId, List<String> codes, OffsetDateTime from, OffsetDateTime to, OffsetDateTime at) {
        if (postgresql) {
            return template.update(con -> {
                var ps = con.prepareStatement("""
                        INSERT INTO coupons (id, campaign_id, code, uses, status, valid_from, valid_to, issued_at)
                        SELECT nextval('coupon_seq'), ?, c, 0, 'ACTIVE', ?, ?, ? FROM unnest(?::text[]) AS c
                        ON CONFLICT DO NOTHING""");
                ps.setLong(1, campaignId);
                ps.setObject(2, from);
                ps.setObject(3, to);
                ps.setObject(4, at);
                ps.setArray(5, con.createArrayOf("text", codes.toArray()));
                return ps;
            });
        }
        int[][] counts = template.batchUpdate("""
                INSERT INTO coupons (id, campaign_id, code, uses, status, valid_from, valid_to, issued_at)
                VALUES (nextval('coupon_seq'), ?, ?, 0, 'ACTIVE', ?, ?, ?) ON CONFLICT DO NOTHING""", codes, 5_000, (ps, code) -> {
                    ps.setLong(1, campaignId);
                    ps.setString(2, code);
                    ps.setObject(3, from);
                    ps.setObject(4, to);
                    ps.setObject(5, at);
                });
        return Arrays.stream(counts).flatMapToInt(Arrays::stream).map(n -> n < 0 ? 1 : n).sum();
    }

    public long countCodes(long campaignId) {
        return jdbc.sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = :c").param("c", campaignId).query(Long.class).single();
    }

    public List<Coupon> byCodes(Collection<String> codes) {
        if (codes.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM coupons WHERE code IN (:codes)").param("codes", List.copyOf(codes))
                .query(CouponRepository::coupon).list();
    }

    public Optional<Coupon> byCode(String code) {
        return jdbc.sql("SELECT * FROM coupons WHERE code = :c").param("c", code).query(CouponRepository::coupon).optional();
    }

    public List<Coupon> ofCampaign(long campaignId, String codePrefix, int limit, long offset) {
        return jdbc.sql("SELECT * FROM coupons WHERE campaign_id = :c AND code LIKE :p ORDER BY id LIMIT :l OFFSET :o")
                .param("c", campaignId).param("p", codePrefix + "%").param("l", limit).param("o", offset)
                .query(CouponRepository::coupon).list();
    }

    /** Streams a campaign's codes in id order, a chunk at a time (for the CSV export). */
    public List<Coupon> ofCampaignAfter(long campaignId, long afterId, int limit) {
        return jdbc.sql("SELECT * FROM coupons WHERE campaign_id = :c AND id > :a ORDER BY id LIMIT :l")
                .param("c", campaignId).param("a", afterId).param("l", limit).query(CouponRepository::coupon).list();
    }

    public List<Coupon> ofMember(long memberId, int limit) {
        return jdbc.sql("SELECT * FROM coupons WHERE member_id = :m ORDER BY id DESC LIMIT :l").param("m", memberId).param("l", limit)
                .query(CouponRepository::coupon).list();
    }

    /** The member's uses of a campaign not given back. */
    /** A member's own coupons valid now and not used up by their code's limit. */
    /**
     * How many of the member's coupons can be used now, counted up to {@code cap} (the till shows
     * "10+"): among their 50 newest active coupons, read from an index, so the count costs the same
     * however many coupons the member has had.
     */
    public long waiting(long memberId, java.time.OffsetDateTime now, int cap) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM (SELECT c.id FROM (
                    SELECT * FROM coupons WHERE member_id = :m AND status = 'ACTIVE' ORDER BY id DESC LIMIT 50) c
                  JOIN coupon_campaigns k ON k.id = c.campaign_id
                  WHERE k.status <> 'ENDED'
                  AND (COALESCE(c.valid_from, k.valid_from) IS NULL OR COALESCE(c.valid_from, k.valid_from) <= :now)
                  AND (COALESCE(c.valid_to, k.valid_to) IS NULL OR COALESCE(c.valid_to, k.valid_to) > :now)
                  AND (k.uses_per_code IS NULL OR c.uses < k.uses_per_code)
                  LIMIT :cap) x""")
                .param("m", memberId).param("now", now).param("cap", cap).query(Long.class).single();
    }

    public int memberUses(long memberId, long campaignId) {
        return jdbc.sql("SELECT COUNT(*) FROM coupon_uses WHERE member_id = :m AND campaign_id = :c AND returned_at IS NULL")
                .param("m", memberId).param("c", campaignId).query(Integer.class).single();
    }

    /** Takes one use of a coupon if it has one left; the row lock serialises two tills on the same code. */
    public boolean takeUse(long couponId, Integer usesPerCode) {
        if (usesPerCode == null) {
            return jdbc.sql("SELECT COUNT(*) FROM coupons WHERE id = :id AND status = 'ACTIVE'").param("id", couponId)
                    .query(Integer.class).single() == 1;
        }
        return jdbc.sql("UPDATE coupons SET uses = uses + 1 WHERE id = :id AND status = 'ACTIVE' AND uses < :max")
                .param("id", couponId).param("max", usesPerCode).update() == 1;
    }

    public void giveUseBack(long couponId, Integer usesPerCode) {
        if (usesPerCode != null) {
            jdbc.sql("UPDATE coupons SET uses = uses - 1 WHERE id = :id AND uses > 0").param("id", couponId).update();
        }
    }

    public void insertUse(long couponId, long campaignId, long purchaseId, Long memberId, OffsetDateTime at, BigDecimal discount,
                          long points) {
        jdbc.sql("""
                INSERT INTO coupon_uses (id, coupon_id, campaign_id, purchase_id, member_id, used_at, discount, points)
                VALUES (nextval('coupon_seq'), :coupon, :campaign, :purchase, :member, :at, :discount, :points)""")
                .param("coupon", couponId).param("campaign", campaignId).param("purchase", purchaseId).param("member", memberId)
                .param("at", at).param("discount", discount).param("points", points).update();
    }

    /** The uses on a purchase not given back yet: (use id, coupon id). */
    public List<long[]> openUses(long purchaseId) {
        return jdbc.sql("SELECT id, coupon_id FROM coupon_uses WHERE purchase_id = :p AND returned_at IS NULL ORDER BY id")
                .param("p", purchaseId).query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
    }

    public void markReturned(long useId, OffsetDateTime at) {
        jdbc.sql("UPDATE coupon_uses SET returned_at = :at WHERE id = :id").param("at", at).param("id", useId).update();
    }

    public Optional<Coupon> find(long id) {
        return jdbc.sql("SELECT * FROM coupons WHERE id = :id").param("id", id).query(CouponRepository::coupon).optional();
    }

    /** Which of these members hold a coupon of the campaign that is unused and still valid. */
    public List<Long> membersHoldingUnused(long campaignId, List<Long> memberIds, OffsetDateTime now) {
        if (memberIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                SELECT DISTINCT member_id FROM coupons WHERE campaign_id = :c AND member_id IN (:ids) AND uses = 0
                    AND status = 'ACTIVE' AND (valid_to IS NULL OR valid_to > :now)""")
                .param("c", campaignId).param("ids", memberIds).param("now", now).query(Long.class).list();
    }

    public void moveToMember(long from, long to) {
        jdbc.sql("UPDATE coupons SET member_id = :to WHERE member_id = :from").param("to", to).param("from", from).update();
        jdbc.sql("UPDATE coupon_uses SET member_id = :to WHERE member_id = :from").param("to", to).param("from", from).update();
    }

    public int voidIfUnused(String code) {
        return jdbc.sql("UPDATE coupons SET status = 'VOID' WHERE code = :c AND uses = 0 AND status = 'ACTIVE'").param("c", code).update();
    }

    /** Coupons a purchase issued that were never used: voided when the purchase comes back in full. */
    /** Coupons a purchase issued, by campaign code, void ones included. */
    public java.util.Map<String, Integer> issuedBy(long purchaseId) {
        java.util.Map<String, Integer> issued = new java.util.HashMap<>();
        jdbc.sql("""
                SELECT c.code, COUNT(*) FROM coupons k JOIN coupon_campaigns c ON c.id = k.campaign_id
                WHERE k.issued_purchase_id = :p GROUP BY c.code""")
                .param("p", purchaseId).query((rs, i) -> issued.put(rs.getString(1), rs.getInt(2))).list();
        return issued;
    }

    /** Voids up to {@code count} of a purchase's issued coupons of a campaign that are still unused, newest first. */
    public int voidNewestUnusedIssuedBy(long purchaseId, String campaignCode, int count) {
        java.util.List<Long> ids = jdbc.sql("""
                SELECT k.id FROM coupons k JOIN coupon_campaigns c ON c.id = k.campaign_id
                WHERE k.issued_purchase_id = :p AND c.code = :c AND k.status = 'ACTIVE' AND k.uses = 0 ORDER BY k.id DESC LIMIT :n""")
                .param("p", purchaseId).param("c", campaignCode).param("n", count).query(Long.class).list();
        return ids.isEmpty() ? 0 : jdbc.sql("UPDATE coupons SET status = 'VOID' WHERE id IN (:ids)").param("ids", ids).update();
    }

    public int voidUnusedIssuedBy(long purchaseId) {
        return jdbc.sql("UPDATE coupons SET status = 'VOID' WHERE issued_purchase_id = :p AND uses = 0 AND status = 'ACTIVE'")
                .param("p", purchaseId).update();
    }

    private static Campaign campaign(ResultSet rs, int i) throws SQLException {
        int perCode = rs.getInt("uses_per_code");
        Integer usesPerCode = rs.wasNull() ? null : perCode;
        int perMember = rs.getInt("uses_per_member");
        Integer usesPerMember = rs.wasNull() ? null : perMember;
        int days = rs.getInt("valid_days");
        Integer validDays = rs.wasNull() ? null : days;
        return new Campaign(rs.getLong("id"), rs.getString("code"), rs.getString("name"),
                new Campaign.Effect(Campaign.EffectType.valueOf(rs.getString("effect_type")), rs.getBigDecimal("effect_value"),
                        rs.getString("free_sku")), usesPerCode, usesPerMember, rs.getObject("valid_from", OffsetDateTime.class),
                rs.getObject("valid_to", OffsetDateTime.class), validDays, rs.getBigDecimal("min_basket"), list(rs.getString("stores")),
                list(rs.getString("categories")), list(rs.getString("skus")), Campaign.Stacking.valueOf(rs.getString("stacking")),
                rs.getString("partner"), Campaign.Status.valueOf(rs.getString("status")), rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    private static List<String> list(String joined) {
        List<String> list = new ArrayList<>();
        if (joined != null) {
            for (String part : joined.split(",")) {
                if (!part.isBlank()) {
                    list.add(part.trim());
                }
            }
        }
        return list;
    }

    private static Coupon coupon(ResultSet rs, int i) throws SQLException {
        long member = rs.getLong("member_id");
        Long memberId = rs.wasNull() ? null : member;
        long purchase = rs.getLong("issued_purchase_id");
        Long purchaseId = rs.wasNull() ? null : purchase;
        return new Coupon(rs.getLong("id"), rs.getLong("campaign_id"), rs.getString("code"), memberId, rs.getInt("uses"),
                Coupon.Status.valueOf(rs.getString("status")), rs.getObject("valid_from", OffsetDateTime.class),
                rs.getObject("valid_to", OffsetDateTime.class), rs.getObject("issued_at", OffsetDateTime.class), purchaseId);
    }

    /**
     * Uses of the co-brand campaigns of a partner: net count, bonus points and discounts of the uses on
     * sales recorded in [from, to), less the uses given back by returns in [from, to).
     */
    public Object[] partnerUses(String partnerCode, OffsetDateTime from, OffsetDateTime to) {
        Object[] used = jdbc.sql("""
                SELECT COUNT(*), COALESCE(SUM(u.points), 0), COALESCE(SUM(u.discount), 0) FROM coupon_uses u
                JOIN coupon_campaigns c ON c.id = u.campaign_id JOIN purchases p ON p.id = u.purchase_id
                WHERE UPPER(c.partner) = :code AND p.recorded_at >= :from AND p.recorded_at < :to""")
                .param("code", partnerCode).param("from", from).param("to", to)
                .query((rs, i) -> new Object[] {rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3)}).single();
        Object[] back = jdbc.sql("""
                SELECT COUNT(*), COALESCE(SUM(u.points), 0), COALESCE(SUM(u.discount), 0) FROM coupon_uses u
                JOIN coupon_campaigns c ON c.id = u.campaign_id
                WHERE UPPER(c.partner) = :code AND u.returned_at >= :from AND u.returned_at < :to""")
                .param("code", partnerCode).param("from", from).param("to", to)
                .query((rs, i) -> new Object[] {rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3)}).single();
        return new Object[] {(Long) used[0] - (Long) back[0], (Long) used[1] - (Long) back[1],
                ((java.math.BigDecimal) used[2]).subtract((java.math.BigDecimal) back[2])};
    }
}
