package io.patron.rewards.internal;

import io.patron.rewards.Redemption;
import io.patron.rewards.RewardItem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Catalogue items and redemptions in SQL. */
@Repository
public class RewardRepository {

    private static final String REDEMPTION = """
            SELECT r.*, i.name AS item_name FROM reward_redemptions r JOIN reward_items i ON i.id = r.item_id""";

    private final JdbcClient jdbc;

    RewardRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long nextId() {
        return jdbc.sql("SELECT nextval('reward_seq')").query(Long.class).single();
    }

    public void insertItem(RewardItem i) {
        jdbc.sql("""
                INSERT INTO reward_items (id, code, name, description, kind, points_price, birthday_points, stock, per_member_limit,
                    min_tier, valid_from, valid_to, image_url, campaign_id, status, created_at)
                VALUES (:id, :code, :name, :description, :kind, :price, :birthday, :stock, :limit, :tier, :from, :to, :image,
                    :campaign, :status, :at)""")
                .param("id", i.id()).param("code", i.code()).param("name", i.name()).param("description", i.description())
                .param("kind", i.kind().name()).param("price", i.pointsPrice()).param("birthday", i.birthdayPoints())
                .param("stock", i.stock()).param("limit", i.perMemberLimit()).param("tier", i.minTier())
                .param("from", i.validFrom()).param("to", i.validTo()).param("image", i.imageUrl()).param("campaign", i.campaignId())
                .param("status", i.status().name()).param("at", i.createdAt()).update();
    }

    public Optional<RewardItem> item(long id) {
        return jdbc.sql("SELECT * FROM reward_items WHERE id = :id").param("id", id).query(RewardRepository::item).optional();
    }

    public boolean codeTaken(String code) {
        return jdbc.sql("SELECT COUNT(*) FROM reward_items WHERE code = :c").param("c", code).query(Long.class).single() > 0;
    }

    public List<RewardItem> items(boolean activeOnly, int limit) {
        return jdbc.sql("SELECT * FROM reward_items" + (activeOnly ? " WHERE status = 'ACTIVE'" : "") + " ORDER BY id LIMIT :l")
                .param("l", limit).query(RewardRepository::item).list();
    }

    public void setItemStatus(long id, RewardItem.Status status) {
        jdbc.sql("UPDATE reward_items SET status = :s WHERE id = :id").param("s", status.name()).param("id", id).update();
    }

    /** Takes one from the stock if any is left (unlimited stock always); the row lock serialises concurrent takers. */
    public boolean takeStock(long itemId) {
        return jdbc.sql("UPDATE reward_items SET stock = stock - 1 WHERE id = :id AND (stock IS NULL OR stock > 0)")
                .param("id", itemId).update() == 1;
    }

    public void putBackStock(long itemId) {
        jdbc.sql("UPDATE reward_items SET stock = stock + 1 WHERE id = :id AND stock IS NOT NULL").param("id", itemId).update();
    }

    public void insertRedemption(long id, long itemId, long memberId, long points, Integer birthdayYear, String couponCode,
                                 Redemption.Status status, String channel, String by, OffsetDateTime at) {
        jdbc.sql("""
                INSERT INTO reward_redemptions (id, item_id, member_id, points, birthday_year, coupon_code, status, channel,
                    created_at, updated_at, updated_by)
                VALUES (:id, :item, :member, :points, :year, :coupon, :status, :channel, :at, :at, :by)""")
                .param("id", id).param("item", itemId).param("member", memberId).param("points", points).param("year", birthdayYear)
                .param("coupon", couponCode).param("status", status.name()).param("channel", channel).param("at", at)
                .param("by", by).update();
    }

    public Optional<Redemption> redemption(long id) {
        return jdbc.sql(REDEMPTION + " WHERE r.id = :id").param("id", id).query(RewardRepository::redemption).optional();
    }

    /** The redemption, locked until the transaction ends (status changes and cancellations serialise on it). */
    public Optional<Redemption> lockRedemption(long id) {
        jdbc.sql("SELECT id FROM reward_redemptions WHERE id = :id FOR UPDATE").param("id", id).query(Long.class).optional();
        return redemption(id);
    }

    public List<Redemption> ofMember(long memberId, int limit) {
        return jdbc.sql(REDEMPTION + " WHERE r.member_id = :m ORDER BY r.id DESC LIMIT :l").param("m", memberId).param("l", limit)
                .query(RewardRepository::redemption).list();
    }

    public List<Redemption> recent(int limit, long offset) {
        return jdbc.sql(REDEMPTION + " ORDER BY r.id DESC LIMIT :l OFFSET :o").param("l", limit).param("o", offset)
                .query(RewardRepository::redemption).list();
    }

    public long countRedemptions() {
        return jdbc.sql("SELECT COUNT(*) FROM reward_redemptions").query(Long.class).single();
    }

    /** The member's redemptions of an item that were not cancelled. */
    public int memberRedemptions(long memberId, long itemId) {
        return jdbc.sql("SELECT COUNT(*) FROM reward_redemptions WHERE member_id = :m AND item_id = :i AND status <> 'CANCELLED'")
                .param("m", memberId).param("i", itemId).query(Integer.class).single();
    }

    /** Whether the member took a birthday gift in that year (not cancelled). */
    public boolean birthdayGiftTaken(long memberId, int year) {
        return jdbc.sql("SELECT COUNT(*) FROM reward_redemptions WHERE member_id = :m AND birthday_year = :y AND status <> 'CANCELLED'")
                .param("m", memberId).param("y", year).query(Integer.class).single() > 0;
    }

    public void moveToMember(long from, long to) {
        jdbc.sql("UPDATE reward_redemptions SET member_id = :to WHERE member_id = :from").param("to", to).param("from", from).update();
    }

    public void setStatus(long id, Redemption.Status status, String by, OffsetDateTime at) {
        jdbc.sql("UPDATE reward_redemptions SET status = :s, updated_by = :by, updated_at = :at WHERE id = :id")
                .param("s", status.name()).param("by", by).param("at", at).param("id", id).update();
    }

    private static RewardItem item(ResultSet rs, int i) throws SQLException {
        return new RewardItem(rs.getLong("id"), rs.getString("code"), rs.getString("name"), rs.getString("description"),
                RewardItem.Kind.valueOf(rs.getString("kind")), nullableLong(rs, "points_price"), nullableLong(rs, "birthday_points"),
                nullableInt(rs, "stock"), nullableInt(rs, "per_member_limit"), rs.getString("min_tier"),
                rs.getObject("valid_from", OffsetDateTime.class), rs.getObject("valid_to", OffsetDateTime.class),
                rs.getString("image_url"), nullableLong(rs, "campaign_id"), RewardItem.Status.valueOf(rs.getString("status")),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    private static Redemption redemption(ResultSet rs, int i) throws SQLException {
        return new Redemption(rs.getLong("id"), rs.getLong("item_id"), rs.getString("item_name"), rs.getLong("member_id"),
                rs.getLong("points"), nullableInt(rs, "birthday_year"), rs.getString("coupon_code"),
                Redemption.Status.valueOf(rs.getString("status")), rs.getString("channel"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getString("updated_by"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
