package io.patron.partners.internal;

import io.patron.common.Caller;
import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.partners.Partner;
import io.patron.partners.PartnerKey;
import io.patron.partners.PartnerReceipt;
import io.patron.partners.PartnerUser;
import io.patron.partners.Statement;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Partners, their keys, users, receipts, returns and statements in plain SQL. */
@Repository
public class PartnerRepository {

    private final JdbcClient jdbc;

    PartnerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long nextPartnerId() {
        return jdbc.sql("SELECT nextval('partner_seq')").query(Long.class).single();
    }

    public void insert(Partner p) {
        jdbc.sql("""
                INSERT INTO partners (id, code, name, contact_name, contact_email, contact_phone, status, earn_rate, burn_accepted,
                    issue_price, redeem_price, cobrand_share, settlement_period, currency, issued_account_id, redeemed_account_id, created_at)
                VALUES (:id, :code, :name, :cn, :ce, :cp, :status, :earn, :burn, :ip, :rp, :share, :period, :cur, :ia, :ra, :at)""")
                .param("id", p.id()).param("code", p.code()).param("at", p.createdAt())
                .param("ia", p.issuedAccountId()).param("ra", p.redeemedAccountId())
                .params(changeable(p)).update();
    }

    public void update(Partner p) {
        jdbc.sql("""
                UPDATE partners SET name = :name, contact_name = :cn, contact_email = :ce, contact_phone = :cp, status = :status,
                    earn_rate = :earn, burn_accepted = :burn, issue_price = :ip, redeem_price = :rp, cobrand_share = :share,
                    settlement_period = :period, currency = :cur WHERE id = :id""")
                .param("id", p.id()).params(changeable(p)).update();
    }

    private static java.util.Map<String, Object> changeable(Partner p) {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        m.put("name", p.name());
        m.put("cn", p.contactName());
        m.put("ce", p.contactEmail());
        m.put("cp", p.contactPhone());
        m.put("status", p.status().name());
        m.put("earn", p.earnRate());
        m.put("burn", p.burnAccepted());
        m.put("ip", p.issuePrice());
        m.put("rp", p.redeemPrice());
        m.put("share", p.cobrandShare());
        m.put("period", p.period().name());
        m.put("cur", p.currency());
        return m;
    }

    public Optional<Partner> find(long id) {
        return jdbc.sql("SELECT * FROM partners WHERE id = :id").param("id", id).query(PartnerRepository::partner).optional();
    }

    public Optional<Partner> findByCode(String code) {
        return jdbc.sql("SELECT * FROM partners WHERE code = :c").param("c", code).query(PartnerRepository::partner).optional();
    }

    public List<Partner> list(int limit) {
        return jdbc.sql("SELECT * FROM partners ORDER BY code LIMIT :l").param("l", limit).query(PartnerRepository::partner).list();
    }

    public List<Partner> active() {
        return jdbc.sql("SELECT * FROM partners WHERE status = 'ACTIVE' ORDER BY id LIMIT 10000").query(PartnerRepository::partner).list();
    }

    private static Partner partner(ResultSet rs, int row) throws SQLException {
        return new Partner(rs.getLong("id"), rs.getString("code"), rs.getString("name"), rs.getString("contact_name"),
                rs.getString("contact_email"), rs.getString("contact_phone"), Partner.Status.valueOf(rs.getString("status")),
                rs.getBigDecimal("earn_rate"), rs.getBoolean("burn_accepted"), rs.getBigDecimal("issue_price"),
                rs.getBigDecimal("redeem_price"), rs.getBigDecimal("cobrand_share"),
                Partner.Period.valueOf(rs.getString("settlement_period")), rs.getString("currency"),
                rs.getLong("issued_account_id"), rs.getLong("redeemed_account_id"), rs.getObject("created_at", OffsetDateTime.class));
    }

    // --- keys

    public PartnerKey insertKey(long partnerId, String name, String hash, String hint, OffsetDateTime at) {
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO partner_keys (partner_id, name, key_hash, key_hint, created_at) VALUES (:p, :n, :h, :hint, :at)")
                .param("p", partnerId).param("n", name).param("h", hash).param("hint", hint).param("at", at).update(keys, "id");
        return new PartnerKey(keys.getKey().longValue(), partnerId, name, hint, at, null);
    }

    public List<PartnerKey> keys(long partnerId) {
        return jdbc.sql("SELECT * FROM partner_keys WHERE partner_id = :p ORDER BY id LIMIT 1000").param("p", partnerId)
                .query((rs, i) -> new PartnerKey(rs.getLong("id"), rs.getLong("partner_id"), rs.getString("name"),
                        rs.getString("key_hint"), rs.getObject("created_at", OffsetDateTime.class),
                        rs.getObject("revoked_at", OffsetDateTime.class))).list();
    }

    public int revokeKey(long partnerId, long keyId, OffsetDateTime at) {
        return jdbc.sql("UPDATE partner_keys SET revoked_at = :at WHERE id = :id AND partner_id = :p AND revoked_at IS NULL")
                .param("at", at).param("id", keyId).param("p", partnerId).update();
    }

    /** The partner of an active key of an active partner. */
    public Optional<Caller.Partner> partnerByKeyHash(String hash) {
        return jdbc.sql("""
                SELECT p.id, p.code FROM partner_keys k JOIN partners p ON p.id = k.partner_id
                WHERE k.key_hash = :h AND k.revoked_at IS NULL AND p.status = 'ACTIVE'""")
                .param("h", hash).query((rs, i) -> new Caller.Partner(rs.getLong(1), rs.getString(2), null)).optional();
    }

    // --- users

    public PartnerUser insertUser(long partnerId, String username, String passwordHash, String displayName, OffsetDateTime at) {
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO partner_users (partner_id, username, password_hash, display_name, enabled, created_at)
                VALUES (:p, :u, :h, :d, TRUE, :at)""")
                .param("p", partnerId).param("u", username).param("h", passwordHash).param("d", displayName).param("at", at)
                .update(keys, "id");
        return new PartnerUser(keys.getKey().longValue(), partnerId, username, displayName, true, at);
    }

    public List<PartnerUser> users(long partnerId) {
        return jdbc.sql("SELECT * FROM partner_users WHERE partner_id = :p ORDER BY username LIMIT 1000").param("p", partnerId)
                .query(PartnerRepository::user).list();
    }

    public int setUserEnabled(long partnerId, long userId, boolean enabled) {
        return jdbc.sql("UPDATE partner_users SET enabled = :e WHERE id = :id AND partner_id = :p")
                .param("e", enabled).param("id", userId).param("p", partnerId).update();
    }

    /** A user able to sign in, with the password hash: only for authentication. */
    public record Credentials(PartnerUser user, String passwordHash, String partnerCode, boolean partnerActive) {
    }

    public Optional<Credentials> credentials(String username) {
        return jdbc.sql("""
                SELECT u.*, p.code AS partner_code, p.status AS partner_status FROM partner_users u
                JOIN partners p ON p.id = u.partner_id WHERE u.username = :u""")
                .param("u", username).query((rs, i) -> new Credentials(user(rs, i), rs.getString("password_hash"),
                        rs.getString("partner_code"), "ACTIVE".equals(rs.getString("partner_status")))).optional();
    }

    private static PartnerUser user(ResultSet rs, int row) throws SQLException {
        return new PartnerUser(rs.getLong("id"), rs.getLong("partner_id"), rs.getString("username"), rs.getString("display_name"),
                rs.getBoolean("enabled"), rs.getObject("created_at", OffsetDateTime.class));
    }

    // --- receipts and returns

    public long nextReceiptId() {
        return jdbc.sql("SELECT nextval('purchase_seq')").query(Long.class).single();
    }

    public long nextReturnId() {
        return jdbc.sql("SELECT nextval('purchase_seq')").query(Long.class).single();
    }

    public Optional<PartnerReceipt> findReceipt(long partnerId, String receiptId) {
        return jdbc.sql("SELECT * FROM partner_receipts WHERE partner_id = :p AND receipt_id = :r")
                .param("p", partnerId).param("r", receiptId).query(PartnerRepository::receipt).optional();
    }

    public PartnerReceipt lockReceipt(long id) {
        return jdbc.sql("SELECT * FROM partner_receipts WHERE id = :id FOR UPDATE").param("id", id)
                .query(PartnerRepository::receipt).single();
    }

    public void insertReceipt(PartnerReceipt r) {
        jdbc.sql("""
                INSERT INTO partner_receipts (id, partner_id, receipt_id, member_id, card_number, occurred_at, recorded_at, amount,
                    burn_value, points_earned, points_burned, returned_amount, request_hash, response)
                VALUES (:id, :p, :r, :m, :card, :occurred, :recorded, :amount, :burnValue, :earned, :burned, 0, :hash, :response)""")
                .param("id", r.id()).param("p", r.partnerId()).param("r", r.receiptId()).param("m", r.memberId())
                .param("card", r.cardNumber()).param("occurred", r.occurredAt()).param("recorded", r.recordedAt())
                .param("amount", r.amount()).param("burnValue", r.burnValue()).param("earned", r.pointsEarned())
                .param("burned", r.pointsBurned()).param("hash", r.requestHash()).param("response", r.response()).update();
    }

    public void setReturned(long receiptPk, BigDecimal returnedAmount) {
        jdbc.sql("UPDATE partner_receipts SET returned_amount = :a WHERE id = :id").param("a", returnedAmount).param("id", receiptPk).update();
    }

    public Page<PartnerReceipt> receipts(long partnerId, PageRequest page) {
        long total = jdbc.sql("SELECT COUNT(*) FROM partner_receipts WHERE partner_id = :p").param("p", partnerId)
                .query(Long.class).single();
        List<PartnerReceipt> items = jdbc.sql("""
                SELECT * FROM partner_receipts WHERE partner_id = :p ORDER BY recorded_at DESC, id DESC LIMIT :l OFFSET :o""")
                .param("p", partnerId).param("l", page.size()).param("o", page.offset()).query(PartnerRepository::receipt).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    private static PartnerReceipt receipt(ResultSet rs, int row) throws SQLException {
        return new PartnerReceipt(rs.getLong("id"), rs.getLong("partner_id"), rs.getString("receipt_id"), rs.getLong("member_id"),
                rs.getString("card_number"), rs.getObject("occurred_at", OffsetDateTime.class),
                rs.getObject("recorded_at", OffsetDateTime.class), rs.getBigDecimal("amount"), rs.getBigDecimal("burn_value"),
                rs.getLong("points_earned"), rs.getLong("points_burned"), rs.getBigDecimal("returned_amount"),
                rs.getString("request_hash"), rs.getString("response"));
    }

    /** A stored return: enough to replay it and to add up what earlier returns of the receipt took. */
    public record StoredReturn(long id, long receiptPk, String returnId, BigDecimal amount, long pointsReversed, long pointsForgiven,
                               long pointsRefunded, String requestHash, String response) {
    }

    public Optional<StoredReturn> findReturn(long partnerId, String returnId) {
        return jdbc.sql("SELECT * FROM partner_returns WHERE partner_id = :p AND return_id = :r")
                .param("p", partnerId).param("r", returnId).query(PartnerRepository::stored).optional();
    }

    public List<StoredReturn> returnsOf(long receiptPk) {
        return jdbc.sql("SELECT * FROM partner_returns WHERE receipt_pk = :r ORDER BY id LIMIT 10000").param("r", receiptPk)
                .query(PartnerRepository::stored).list();
    }

    private static StoredReturn stored(ResultSet rs, int row) throws SQLException {
        return new StoredReturn(rs.getLong("id"), rs.getLong("receipt_pk"), rs.getString("return_id"), rs.getBigDecimal("amount"),
                rs.getLong("points_reversed"), rs.getLong("points_forgiven"), rs.getLong("points_refunded"),
                rs.getString("request_hash"), rs.getString("response"));
    }

    public void insertReturn(long id, long partnerId, String returnId, long receiptPk, BigDecimal amount, long reversed, long forgiven,
                             long refunded, OffsetDateTime occurredAt, OffsetDateTime recordedAt, String hash, String response) {
        jdbc.sql("""
                INSERT INTO partner_returns (id, partner_id, return_id, receipt_pk, amount, points_reversed, points_forgiven,
                    points_refunded, occurred_at, recorded_at, request_hash, response)
                VALUES (:id, :p, :r, :receipt, :amount, :rev, :forg, :ref, :occurred, :recorded, :hash, :response)""")
                .param("id", id).param("p", partnerId).param("r", returnId).param("receipt", receiptPk).param("amount", amount)
                .param("rev", reversed).param("forg", forgiven).param("ref", refunded).param("occurred", occurredAt)
                .param("recorded", recordedAt).param("hash", hash).param("response", response).update();
    }

    public void moveMember(long from, long to) {
        jdbc.sql("UPDATE partner_receipts SET member_id = :to WHERE member_id = :from").param("to", to).param("from", from).update();
    }

    // --- settlement figures: what was recorded in [from, to)

    public record Activity(long receipts, long earned, long burned, long reversed, long refunded) {
    }

    public Activity activity(long partnerId, OffsetDateTime from, OffsetDateTime to) {
        long[] receipts = jdbc.sql("""
                SELECT COUNT(*), COALESCE(SUM(points_earned), 0), COALESCE(SUM(points_burned), 0) FROM partner_receipts
                WHERE partner_id = :p AND recorded_at >= :from AND recorded_at < :to""")
                .param("p", partnerId).param("from", from).param("to", to)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}).single();
        long[] returns = jdbc.sql("""
                SELECT COALESCE(SUM(points_reversed), 0), COALESCE(SUM(points_refunded), 0) FROM partner_returns
                WHERE partner_id = :p AND recorded_at >= :from AND recorded_at < :to""")
                .param("p", partnerId).param("from", from).param("to", to)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        return new Activity(receipts[0], receipts[1], receipts[2], returns[0], returns[1]);
    }

    /** Returns recorded in [from, to) of receipts recorded before {@code from}, with the statement that held the receipt. */
    public List<Statement.Correction> corrections(long partnerId, OffsetDateTime from, OffsetDateTime to) {
        return jdbc.sql("""
                SELECT t.return_id, r.receipt_id, r.recorded_at, s.number, t.points_reversed, t.points_refunded
                FROM partner_returns t JOIN partner_receipts r ON r.id = t.receipt_pk
                LEFT JOIN partner_statements s ON s.partner_id = r.partner_id AND s.period_from <= r.recorded_at AND s.period_to > r.recorded_at
                WHERE t.partner_id = :p AND t.recorded_at >= :from AND t.recorded_at < :to AND r.recorded_at < :from
                ORDER BY t.recorded_at, t.id LIMIT 10000""")
                .param("p", partnerId).param("from", from).param("to", to)
                .query((rs, i) -> new Statement.Correction(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class),
                        rs.getString(4), rs.getLong(5), rs.getLong(6))).list();
    }

    // --- statements

    public long insertStatement(long partnerId, String number, OffsetDateTime from, OffsetDateTime to, Statement.Figures f,
                                String corrections, OffsetDateTime at) {
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO partner_statements (partner_id, number, period_from, period_to, status, receipts, points_issued,
                    points_reversed, points_redeemed, points_refunded, coupon_uses, coupon_points, coupon_discount, issue_price,
                    redeem_price, cobrand_share, owed_by_partner, owed_to_partner, net, currency, corrections, drafted_at)
                VALUES (:p, :number, :from, :to, 'DRAFT', :receipts, :issued, :reversed, :redeemed, :refunded, :uses, :cpoints,
                    :cdiscount, :ip, :rp, :share, :owedBy, :owedTo, :net, :cur, :corrections, :at)""")
                .param("p", partnerId).param("number", number).param("from", from).param("to", to)
                .param("corrections", corrections).param("at", at).params(figures(f)).update(keys, "id");
        return keys.getKey().longValue();
    }

    /** Replaces the figures of a statement not yet closed; answers whether it did. */
    public boolean refigure(long id, Statement.Figures f, String corrections, Statement.Status status) {
        return jdbc.sql("""
                UPDATE partner_statements SET receipts = :receipts, points_issued = :issued, points_reversed = :reversed,
                    points_redeemed = :redeemed, points_refunded = :refunded, coupon_uses = :uses, coupon_points = :cpoints,
                    coupon_discount = :cdiscount, issue_price = :ip, redeem_price = :rp, cobrand_share = :share,
                    owed_by_partner = :owedBy, owed_to_partner = :owedTo, net = :net, currency = :cur, corrections = :corrections,
                    status = :status
                WHERE id = :id AND status <> 'CLOSED'""")
                .param("id", id).param("corrections", corrections).param("status", status.name()).params(figures(f))
                .update() == 1;
    }

    public boolean markReviewed(long id, String by, String note, OffsetDateTime at) {
        return jdbc.sql("""
                UPDATE partner_statements SET status = 'REVIEWED', reviewed_at = :at, reviewed_by = :by, review_note = :note
                WHERE id = :id AND status = 'DRAFT'""")
                .param("id", id).param("at", at).param("by", by).param("note", note).update() == 1;
    }

    public boolean markClosed(long id, String by, OffsetDateTime at) {
        return jdbc.sql("UPDATE partner_statements SET status = 'CLOSED', closed_at = :at, closed_by = :by WHERE id = :id AND status = 'REVIEWED'")
                .param("id", id).param("at", at).param("by", by).update() == 1;
    }

    private static java.util.Map<String, Object> figures(Statement.Figures f) {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        m.put("receipts", f.receipts());
        m.put("issued", f.pointsIssued());
        m.put("reversed", f.pointsReversed());
        m.put("redeemed", f.pointsRedeemed());
        m.put("refunded", f.pointsRefunded());
        m.put("uses", f.couponUses());
        m.put("cpoints", f.couponPoints());
        m.put("cdiscount", f.couponDiscount());
        m.put("ip", f.issuePrice());
        m.put("rp", f.redeemPrice());
        m.put("share", f.cobrandShare());
        m.put("owedBy", f.owedByPartner());
        m.put("owedTo", f.owedToPartner());
        m.put("net", f.net());
        m.put("cur", f.currency());
        return m;
    }

    public record StatementRow(long id, long partnerId, String partnerCode, String partnerName, String number, OffsetDateTime from,
                               OffsetDateTime to, Statement.Status status, Statement.Figures figures, String corrections,
                               OffsetDateTime draftedAt, OffsetDateTime reviewedAt, String reviewedBy, String reviewNote,
                               OffsetDateTime closedAt, String closedBy) {
    }

    private static final String STATEMENT = """
            SELECT s.*, p.code AS partner_code, p.name AS partner_name FROM partner_statements s JOIN partners p ON p.id = s.partner_id""";

    public Optional<StatementRow> statement(long id) {
        return jdbc.sql(STATEMENT + " WHERE s.id = :id").param("id", id).query(PartnerRepository::statementRow).optional();
    }

    public Optional<StatementRow> statement(long partnerId, OffsetDateTime periodFrom) {
        return jdbc.sql(STATEMENT + " WHERE s.partner_id = :p AND s.period_from = :from").param("p", partnerId).param("from", periodFrom)
                .query(PartnerRepository::statementRow).optional();
    }

    public Page<StatementRow> statements(Long partnerId, PageRequest page) {
        String where = partnerId == null ? "" : " WHERE s.partner_id = :p";
        var count = jdbc.sql("SELECT COUNT(*) FROM partner_statements s" + where);
        var list = jdbc.sql(STATEMENT + where + " ORDER BY s.period_from DESC, s.id DESC LIMIT :l OFFSET :o");
        if (partnerId != null) {
            count = count.param("p", partnerId);
            list = list.param("p", partnerId);
        }
        long total = count.query(Long.class).single();
        return new Page<>(list.param("l", page.size()).param("o", page.offset()).query(PartnerRepository::statementRow).list(),
                page.page(), page.size(), total);
    }

    public Optional<OffsetDateTime> lastPeriodEnd(long partnerId) {
        return jdbc.sql("SELECT MAX(period_to) FROM partner_statements WHERE partner_id = :p").param("p", partnerId)
                .query((rs, i) -> rs.getObject(1, OffsetDateTime.class)).optional();
    }

    private static StatementRow statementRow(ResultSet rs, int row) throws SQLException {
        Statement.Figures f = new Statement.Figures(rs.getLong("receipts"), rs.getLong("points_issued"), rs.getLong("points_reversed"),
                rs.getLong("points_redeemed"), rs.getLong("points_refunded"), rs.getLong("coupon_uses"), rs.getLong("coupon_points"),
                rs.getBigDecimal("coupon_discount"), rs.getBigDecimal("issue_price"), rs.getBigDecimal("redeem_price"),
                rs.getBigDecimal("cobrand_share"), rs.getBigDecimal("owed_by_partner"), rs.getBigDecimal("owed_to_partner"),
                rs.getBigDecimal("net"), rs.getString("currency"));
        return new StatementRow(rs.getLong("id"), rs.getLong("partner_id"), rs.getString("partner_code"), rs.getString("partner_name"),
                rs.getString("number"), rs.getObject("period_from", OffsetDateTime.class), rs.getObject("period_to", OffsetDateTime.class),
                Statement.Status.valueOf(rs.getString("status")), f, rs.getString("corrections"),
                rs.getObject("drafted_at", OffsetDateTime.class), rs.getObject("reviewed_at", OffsetDateTime.class),
                rs.getString("reviewed_by"), rs.getString("review_note"), rs.getObject("closed_at", OffsetDateTime.class),
                rs.getString("closed_by"));
    }
}
