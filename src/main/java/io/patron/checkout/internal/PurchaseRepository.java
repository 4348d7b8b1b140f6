package io.patron.checkout.internal;

import io.patron.checkout.PricedBasket;
import io.patron.checkout.PurchaseSummary;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Purchases, their lines and their returns. A purchase row is written once and never changed. */
@Repository
public class PurchaseRepository {

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batch;

    PurchaseRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    public long nextPurchaseId() {
        return jdbc.sql("SELECT nextval('purchase_seq')").query(Long.class).single();
    }

    /** The value of a member's purchases after discounts, less returns, since {@code from} (null: ever). */
    /** A span of time for a tier measure: purchases from {@code from} (null: all time) to before {@code to}. */
    public record Window(OffsetDateTime from, OffsetDateTime to) {
    }

    /**
     * A member's qualifying measure in each window, in one round trip per table: spend (purchases after
     * discounts less refunded amounts) or points (earned less taken back); a return counts in a window
     * when its purchase is in the window and it happened before the window's end.
     */
    public List<BigDecimal> qualifying(long memberId, boolean points, List<Window> windows) {
        return qualifying(List.of(memberId), points, windows).get(memberId);
    }

    /** The same for several members at once (at most {@value #MEMBERS_PER_QUERY}): every member asked for is in the answer. */
    public Map<Long, List<BigDecimal>> qualifying(List<Long> memberIds, boolean points, List<Window> windows) {
        if (memberIds.size() > MEMBERS_PER_QUERY) {
            throw new IllegalArgumentException("at most " + MEMBERS_PER_QUERY + " members at once");
        }
        OffsetDateTime epoch = OffsetDateTime.parse("1970-01-01T00:00:00Z");
        StringBuilder bought = new StringBuilder("SELECT member_id");
        StringBuilder returned = new StringBuilder("SELECT p.member_id");
        String value = points ? "points_earned" : "(subtotal - discount_total)";
        String back = points ? "(r.points_reversed + r.points_forgiven)" : "r.refunded_amount";
        OffsetDateTime min = null;
        for (int i = 0; i < windows.size(); i++) {
            bought.append(", COALESCE(SUM(CASE WHEN occurred_at >= :f").append(i).append(" AND occurred_at < :t").append(i)
                    .append(" THEN ").append(value).append(" ELSE 0 END), 0)");
            returned.append(", COALESCE(SUM(CASE WHEN p.occurred_at >= :f").append(i).append(" AND p.occurred_at < :t").append(i)
                    .append(" AND r.occurred_at < :t").append(i).append(" THEN ").append(back).append(" ELSE 0 END), 0)");
            OffsetDateTime from = windows.get(i).from() == null ? epoch : windows.get(i).from();
            min = min == null || from.isBefore(min) ? from : min;
        }
        bought.append(" FROM purchases WHERE member_id IN (:m) AND occurred_at >= :min GROUP BY member_id");
        returned.append(" FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id WHERE p.member_id IN (:m) AND p.occurred_at >= :min"
                + " GROUP BY p.member_id");
        Map<Long, List<BigDecimal>> result = new HashMap<>();
        for (long id : memberIds) {
            result.put(id, new ArrayList<>(java.util.Collections.nCopies(windows.size(), BigDecimal.ZERO)));
        }
        if (memberIds.isEmpty()) {
            return result;
        }
        int sign = 1;
        for (String sql : List.of(bought.toString(), returned.toString())) {
            var spec = jdbc.sql(sql).param("m", memberIds).param("min", min);
            for (int i = 0; i < windows.size(); i++) {
                spec = spec.param("f" + i, windows.get(i).from() == null ? epoch : windows.get(i).from()).param("t" + i, windows.get(i).to());
            }
            int direction = sign;
            spec.query((rs, n) -> {
                List<BigDecimal> sums = result.get(rs.getLong(1));
                for (int i = 0; i < windows.size(); i++) {
                    BigDecimal v = rs.getBigDecimal(i + 2);
                    sums.set(i, direction > 0 ? sums.get(i).add(v) : sums.get(i).subtract(v));
                }
                return null;
            }).list();
            sign = -1;
        }
        return result;
    }

    public static final int MEMBERS_PER_QUERY = 1_000;

    /** The manual tiers in force of several members (at most {@value #MEMBERS_PER_QUERY}). */
    public Map<Long, Map.Entry<String, OffsetDateTime>> tierFloors(List<Long> memberIds, OffsetDateTime now) {
        Map<Long, Map.Entry<String, OffsetDateTime>> floors = new HashMap<>();
        if (!memberIds.isEmpty()) {
            jdbc.sql("SELECT member_id, tier, expires_at FROM tier_floors WHERE member_id IN (:m) AND expires_at > :now")
                    .param("m", memberIds).param("now", now)
                    .query((rs, i) -> floors.put(rs.getLong(1), Map.entry(rs.getString(2), rs.getObject(3, OffsetDateTime.class)))).list();
        }
        return floors;
    }

    /** Purchases of the member recorded so far (returned ones included). */
    public long purchaseCount(long memberId) {
        return jdbc.sql("SELECT COUNT(*) FROM purchases WHERE member_id = :m").param("m", memberId).query(Long.class).single();
    }

    /** The member's manual tier and its expiry, when one is in force at {@code now}. */
    public Optional<Map.Entry<String, OffsetDateTime>> tierFloor(long memberId, OffsetDateTime now) {
        return jdbc.sql("SELECT tier, expires_at FROM tier_floors WHERE member_id = :m AND expires_at > :now")
                .param("m", memberId).param("now", now)
                .query((rs, i) -> Map.entry(rs.getString(1), rs.getObject(2, OffsetDateTime.class))).optional();
    }

    public void setTierFloor(long memberId, String tier, OffsetDateTime expiresAt, String reason, String by, OffsetDateTime now) {
        jdbc.sql("DELETE FROM tier_floors WHERE member_id = :m").param("m", memberId).update();
        jdbc.sql("INSERT INTO tier_floors (member_id, tier, expires_at, reason, set_by, set_at) VALUES (:m, :t, :e, :r, :b, :now)")
                .param("m", memberId).param("t", tier).param("e", expiresAt).param("r", reason).param("b", by).param("now", now)
                .update();
    }

    public int removeTierFloor(long memberId) {
        return jdbc.sql("DELETE FROM tier_floors WHERE member_id = :m").param("m", memberId).update();
    }

    /** Notes who got a referral bonus for this purchase, so that a full return takes it back. */
    public void setReferrer(long purchaseId, long referrerId, long points) {
        jdbc.sql("UPDATE purchases SET referrer_id = :r, referrer_points = :p WHERE id = :id")
                .param("r", referrerId).param("p", points).param("id", purchaseId).update();
    }

    public Optional<StoredPurchase> findByReceipt(long storeId, String receiptId) {
        return jdbc.sql("SELECT * FROM purchases WHERE store_id = :s AND receipt_id = :r").param("s", storeId)
                .param("r", receiptId).query(PurchaseRepository::purchase).optional();
    }

    public Optional<StoredPurchase> find(long id) {
        return jdbc.sql("SELECT * FROM purchases WHERE id = :id").param("id", id).query(PurchaseRepository::purchase).optional();
    }

    public Optional<StoredPurchase> lock(long id) {
        return jdbc.sql("SELECT * FROM purchases WHERE id = :id FOR UPDATE").param("id", id)
                .query(PurchaseRepository::purchase).optional();
    }

    /**
     * Records a sale and its lines; false, writing nothing, when the store's receipt id is recorded
     * already (a concurrent request for the same receipt committed first).
     */
    public boolean insert(NewPurchase p) {
        int inserted = jdbc.sql("""
                INSERT INTO purchases (id, store_id, till_id, receipt_id, member_id, card_number, occurred_at, recorded_at,
                    program_version, currency, subtotal, discount_total, points_redeemed, points_value, total,
                    eligible_paid, points_earned, request_hash, response, tier_code, kind)
                VALUES (:id, :store, :till, :receipt, :member, :card, :occurred, :recorded, :version, :currency, :subtotal,
                    :discount, :redeemed, :pointsValue, :total, :eligiblePaid, :earned, :hash, :response, :tier, :kind)
                ON CONFLICT DO NOTHING""")
                .param("tier", p.tierCode()).param("kind", p.kind().name())
                .param("id", p.id()).param("store", p.storeId()).param("till", p.tillId()).param("receipt", p.receiptId())
                .param("member", p.memberId()).param("card", p.cardNumber()).param("occurred", p.occurredAt())
                .param("recorded", p.recordedAt()).param("version", p.priced().programVersion())
                .param("currency", p.priced().currency()).param("subtotal", p.priced().subtotal())
                .param("discount", p.priced().discountTotal()).param("redeemed", p.priced().pointsRedeemed())
                .param("pointsValue", p.priced().pointsValue()).param("total", p.priced().total())
                .param("eligiblePaid", p.priced().eligiblePaid()).param("earned", p.priced().pointsEarned())
                .param("hash", p.requestHash()).param("response", p.response())
                .update();
        if (inserted == 0) {
            return false;
        }
        List<PricedBasket.PricedLine> lines = p.priced().lines();
        MapSqlParameterSource[] rows = new MapSqlParameterSource[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            PricedBasket.PricedLine l = lines.get(i);
            rows[i] = new MapSqlParameterSource().addValue("purchase", p.id()).addValue("no", i)
                    .addValue("lineId", l.line().lineId()).addValue("sku", l.line().sku()).addValue("name", l.line().name())
                    .addValue("category", l.line().category()).addValue("brand", l.line().brand())
                    .addValue("quantity", l.line().quantity())
                    .addValue("unitPrice", l.line().unitPrice()).addValue("amount", l.amount())
                    .addValue("discount", l.discount()).addValue("pointsValue", l.pointsValue()).addValue("paid", l.paid())
                    .addValue("eligible", !l.excluded());
        }
        batch.batchUpdate("""
                INSERT INTO purchase_lines (purchase_id, line_no, line_id, sku, name, category, brand, quantity, unit_price, amount,
                    discount, points_value, paid, eligible)
                VALUES (:purchase, :no, :lineId, :sku, :name, :category, :brand, :quantity, :unitPrice, :amount, :discount,
                    :pointsValue, :paid, :eligible)""", rows);
        return true;
    }

    /** The lines as the till sent them (line number as index), to price what remains of a sale again. */
    public List<io.patron.checkout.Basket.BasketLine> basketLines(long purchaseId) {
        return jdbc.sql("SELECT * FROM purchase_lines WHERE purchase_id = :p ORDER BY line_no").param("p", purchaseId)
                .query((rs, i) -> new io.patron.checkout.Basket.BasketLine(rs.getInt("line_no"), rs.getString("line_id"),
                        rs.getString("sku"), rs.getString("name"), rs.getString("category"), rs.getString("brand"),
                        rs.getBigDecimal("quantity"), rs.getBigDecimal("unit_price"), rs.getBigDecimal("amount")))
                .list();
    }

    /** The member's purchases recorded before this one: what the rules saw as the purchase count at the sale. */
    public long purchaseCountBefore(long memberId, long purchaseId) {
        return jdbc.sql("SELECT COUNT(*) FROM purchases WHERE member_id = :m AND id < :p").param("m", memberId).param("p", purchaseId)
                .query(Long.class).single();
    }

    public void markReferralReversed(long purchaseId) {
        jdbc.sql("UPDATE purchases SET referral_reversed = TRUE WHERE id = :id").param("id", purchaseId).update();
    }

    public List<StoredLine> lines(long purchaseId) {
        return jdbc.sql("SELECT * FROM purchase_lines WHERE purchase_id = :p ORDER BY line_no").param("p", purchaseId)
                .query((rs, i) -> new StoredLine(rs.getInt("line_no"), rs.getString("line_id"), rs.getBigDecimal("quantity"),
                        rs.getBigDecimal("amount"), rs.getBigDecimal("discount"), rs.getBigDecimal("points_value"),
                        rs.getBigDecimal("paid"), rs.getBoolean("eligible")))
                .list();
    }

    public Optional<StoredReturn> findReturn(long storeId, String returnId) {
        return jdbc.sql("SELECT * FROM purchase_returns WHERE store_id = :s AND return_id = :r").param("s", storeId)
                .param("r", returnId).query(PurchaseRepository::returned).optional();
    }

    public List<StoredReturn> returns(long purchaseId) {
        return jdbc.sql("SELECT * FROM purchase_returns WHERE purchase_id = :p ORDER BY id").param("p", purchaseId)
                .query(PurchaseRepository::returned).list();
    }

    /** Quantities already returned, by line number. */
    public Map<Integer, BigDecimal> returnedQuantities(long purchaseId) {
        Map<Integer, BigDecimal> returned = new HashMap<>();
        jdbc.sql("""
                SELECT l.line_no, SUM(l.quantity) AS q FROM return_lines l JOIN purchase_returns r ON r.id = l.return_pk
                WHERE r.purchase_id = :p GROUP BY l.line_no""")
                .param("p", purchaseId).query((rs, i) -> returned.put(rs.getInt("line_no"), rs.getBigDecimal("q"))).list();
        return returned;
    }

    public long nextReturnId() {
        return jdbc.sql("SELECT nextval('purchase_seq')").query(Long.class).single();
    }

    /** Records a return; false, writing nothing, when the store's return id is recorded already. */
    public boolean insertReturn(long id, long purchaseId, long storeId, String returnId, OffsetDateTime occurredAt,
                             OffsetDateTime recordedAt, BigDecimal refundMoney, BigDecimal refundedAmount, long reversed,
                             long forgiven, long refunded, String hash, io.patron.checkout.SaleKind kind, String response,
                             Map<Integer, BigDecimal> quantities) {
        int inserted = jdbc.sql("""
                INSERT INTO purchase_returns (id, purchase_id, store_id, return_id, occurred_at, recorded_at, refunded_money,
                    refunded_amount, points_reversed, points_forgiven, points_refunded, request_hash, response, kind)
                VALUES (:id, :p, :s, :r, :occurred, :recorded, :money, :amount, :reversed, :forgiven, :refunded, :hash, :response, :kind)
                ON CONFLICT DO NOTHING""")
                .param("id", id).param("p", purchaseId).param("s", storeId).param("r", returnId).param("occurred", occurredAt)
                .param("recorded", recordedAt).param("money", refundMoney).param("amount", refundedAmount)
                .param("reversed", reversed).param("forgiven", forgiven).param("refunded", refunded).param("hash", hash)
                .param("response", response).param("kind", kind.name()).update();
        if (inserted == 0) {
            return false;
        }
        quantities.forEach((line, quantity) -> jdbc.sql("INSERT INTO return_lines (return_pk, line_no, quantity) VALUES (:r, :l, :q)")
                .param("r", id).param("l", line).param("q", quantity).update());
        return true;
    }

    /** Whether a cancellation invoice of imported history was recorded already (as returns or unmatched lines). */
    public boolean historyCancellationRecorded(long storeId, String invoice) {
        return jdbc.sql("""
                SELECT (SELECT COUNT(*) FROM purchase_returns WHERE store_id = :s AND return_id LIKE :prefix)
                     + (SELECT COUNT(*) FROM unmatched_returns WHERE store_id = :s AND invoice = :i)""")
                .param("s", storeId).param("prefix", invoice + "/%").param("i", invoice).query(Long.class).single() > 0;
    }

    /**
     * The latest line of the member's earlier purchases of {@code sku} at the store that can still
     * take back {@code quantity}, counting returns recorded and those planned in {@code planned}
     * (purchase → line → quantity); null when there is none.
     */
    public Returnable returnableLine(long storeId, long memberId, String sku, OffsetDateTime at, BigDecimal quantity,
                                     Map<Long, Map<Integer, BigDecimal>> planned) {
        List<Returnable> candidates = jdbc.sql("""
                SELECT pl.purchase_id, pl.line_no, pl.quantity, pl.amount, pl.discount,
                       COALESCE((SELECT SUM(rl.quantity) FROM return_lines rl JOIN purchase_returns r ON r.id = rl.return_pk
                                 WHERE r.purchase_id = pl.purchase_id AND rl.line_no = pl.line_no), 0) AS returned
                FROM purchases p JOIN purchase_lines pl ON pl.purchase_id = p.id
                WHERE p.store_id = :s AND p.member_id = :m AND pl.sku = :sku AND p.occurred_at <= :at
                ORDER BY p.occurred_at DESC, pl.purchase_id DESC, pl.line_no LIMIT 50""")
                .param("s", storeId).param("m", memberId).param("sku", sku).param("at", at)
                .query((rs, i) -> {
                    BigDecimal bought = rs.getBigDecimal("quantity");
                    BigDecimal left = bought.subtract(rs.getBigDecimal("returned"));
                    BigDecimal unit = rs.getBigDecimal("amount").subtract(rs.getBigDecimal("discount"))
                            .divide(bought, 6, java.math.RoundingMode.HALF_UP);
                    return new Returnable(rs.getLong("purchase_id"), rs.getInt("line_no"), left, unit);
                }).list();
        for (Returnable c : candidates) {
            BigDecimal already = planned.getOrDefault(c.purchaseId(), Map.of()).getOrDefault(c.lineNo(), BigDecimal.ZERO);
            if (c.left().subtract(already).compareTo(quantity) >= 0) {
                return c;
            }
        }
        return null;
    }

    public void insertUnmatchedReturn(long storeId, String invoice, int lineNo, Long memberId, String sku, BigDecimal quantity,
                                      BigDecimal unitPrice, OffsetDateTime at) {
        jdbc.sql("""
                INSERT INTO unmatched_returns (store_id, invoice, line_no, member_id, sku, quantity, unit_price, occurred_at)
                VALUES (:s, :i, :l, :m, :sku, :q, :p, :at)""")
                .param("s", storeId).param("i", invoice).param("l", lineNo).param("m", memberId).param("sku", sku)
                .param("q", quantity).param("p", unitPrice).param("at", at).update();
    }

    /** A purchase line that can take goods back: how many are left and what one is worth after discounts. */
    public record Returnable(long purchaseId, int lineNo, BigDecimal left, BigDecimal unitValue) {
    }

    public Page<PurchaseSummary> ofMember(long memberId, PageRequest page) {
        long total = jdbc.sql("SELECT COUNT(*) FROM purchases WHERE member_id = :m").param("m", memberId).query(Long.class).single();
        List<PurchaseSummary> items = jdbc.sql("""
                SELECT p.*, s.code AS store_code FROM purchases p JOIN stores s ON s.id = p.store_id
                WHERE p.member_id = :m ORDER BY p.occurred_at DESC, p.id DESC LIMIT :l OFFSET :o""")
                .param("m", memberId).param("l", page.size()).param("o", page.offset())
                .query(PurchaseRepository::summary).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    public Page<PurchaseSummary> byReceipt(Long storeId, String receiptId, PageRequest page) {
        String where = " WHERE p.receipt_id = :r AND (CAST(:s AS BIGINT) IS NULL OR p.store_id = :s)";
        long total = jdbc.sql("SELECT COUNT(*) FROM purchases p" + where).param("r", receiptId).param("s", storeId)
                .query(Long.class).single();
        List<PurchaseSummary> items = jdbc.sql("SELECT p.*, s.code AS store_code FROM purchases p JOIN stores s ON s.id = p.store_id"
                        + where + " ORDER BY p.id DESC LIMIT :l OFFSET :o")
                .param("r", receiptId).param("s", storeId).param("l", page.size()).param("o", page.offset())
                .query(PurchaseRepository::summary).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    private static PurchaseSummary summary(ResultSet rs, int i) throws SQLException {
        long member = rs.getLong("member_id");
        return new PurchaseSummary(rs.getLong("id"), rs.getLong("store_id"), rs.getString("store_code"),
                rs.getString("receipt_id"), rs.wasNull() ? null : member, rs.getObject("occurred_at", OffsetDateTime.class),
                rs.getBigDecimal("subtotal"), rs.getBigDecimal("total"), rs.getLong("points_earned"),
                rs.getLong("points_redeemed"));
    }

    private static StoredPurchase purchase(ResultSet rs, int i) throws SQLException {
        long member = rs.getLong("member_id");
        Long memberId = rs.wasNull() ? null : member;
        long referrer = rs.getLong("referrer_id");
        Long referrerId = rs.wasNull() ? null : referrer;
        return new StoredPurchase(rs.getLong("id"), rs.getLong("store_id"), rs.getString("receipt_id"), memberId,
                rs.getObject("occurred_at", OffsetDateTime.class), rs.getLong("points_redeemed"),
                rs.getBigDecimal("points_value"), rs.getLong("points_earned"), rs.getBigDecimal("eligible_paid"),
                rs.getString("request_hash"), rs.getString("response"), referrerId,
                rs.getLong("referrer_points"), rs.getInt("program_version"), rs.getString("tier_code"), rs.getBoolean("referral_reversed"));
    }

    private static StoredReturn returned(ResultSet rs, int i) throws SQLException {
        return new StoredReturn(rs.getLong("id"), rs.getLong("purchase_id"), rs.getString("return_id"),
                rs.getBigDecimal("refunded_money"), rs.getBigDecimal("refunded_amount"), rs.getLong("points_reversed"),
                rs.getLong("points_forgiven"), rs.getLong("points_refunded"), rs.getString("request_hash"),
                rs.getString("response"));
    }

    public record NewPurchase(long id, long storeId, Long tillId, String receiptId, Long memberId, String cardNumber,
                              OffsetDateTime occurredAt, OffsetDateTime recordedAt, PricedBasket priced, String requestHash,
                              String response, String tierCode, io.patron.checkout.SaleKind kind) {
    }

    /** {@code tierCode}: the tier the buyer held at the sale (null for anonymous sales and those recorded before it was kept). */
    public record StoredPurchase(long id, long storeId, String receiptId, Long memberId, OffsetDateTime occurredAt,
                                 long pointsRedeemed, BigDecimal pointsValue, long pointsEarned, BigDecimal eligiblePaid,
                                 String requestHash, String response, Long referrerId, long referrerPoints,
                                 int programVersion, String tierCode, boolean referralReversed) {
    }

    public record StoredLine(int lineNo, String lineId, BigDecimal quantity, BigDecimal amount, BigDecimal discount,
                             BigDecimal pointsValue, BigDecimal paid, boolean eligible) {
        public BigDecimal net() {
            return amount.subtract(discount);
        }
    }

    public record StoredReturn(long id, long purchaseId, String returnId, BigDecimal refundMoney, BigDecimal refundedAmount,
                               long pointsReversed, long pointsForgiven, long pointsRefunded, String requestHash,
                               String response) {
    }
}
