package io.patron.ledger.internal;

import io.patron.common.Page;
import io.patron.common.PageRequest;
import io.patron.ledger.LedgerEntry;
import io.patron.ledger.Lot;
import io.patron.ledger.ProgramAccount;
import io.patron.ledger.TransferCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Accounts, transfers, lots and lot movements in plain SQL. Transfers are only ever inserted. */
@Repository
public class LedgerRepository {

    private final JdbcClient jdbc;

    LedgerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the member's account row for this transaction (creating it on first use) and reads the balance. */
    /**
     * A member's account row: the cached balance (the sum of the member's transfers) and the figures
     * last worked out from the open lots, with the span they hold for ({@code available} null: none).
     */
    public record AccountRow(long balance, Long available, Long pending, OffsetDateTime figuresFrom, OffsetDateTime figuresUntil,
                             OffsetDateTime expiryFrom) {
        public static final AccountRow EMPTY = new AccountRow(0, 0L, 0L, null, null, null);

        /** Whether the stored figures are those of {@code now}. */
        public boolean validAt(OffsetDateTime now) {
            return available != null && (figuresFrom == null || !figuresFrom.isAfter(now)) && (figuresUntil == null || figuresUntil.isAfter(now));
        }
    }

    /** Locks the member's account row (made when missing) until the transaction ends. */
    public AccountRow lockAccount(long memberId, OffsetDateTime at) {
        Optional<AccountRow> row = selectForUpdate(memberId);
        if (row.isPresent()) {
            return row.get();
        }
        // A new account has no lots: nothing available or pending, for ever (until a lot comes).
        jdbc.sql("""
                INSERT INTO member_accounts (member_id, balance, opened_at, available, pending, figures_from, figures_until)
                VALUES (:m, 0, :at, 0, 0, :at, :never) ON CONFLICT DO NOTHING""")
                .param("m", memberId).param("at", at).param("never", OffsetDateTime.parse("9999-12-31T00:00:00Z")).update();
        return selectForUpdate(memberId).orElseThrow();
    }

    private Optional<AccountRow> selectForUpdate(long memberId) {
        return jdbc.sql("SELECT * FROM member_accounts WHERE member_id = :m FOR UPDATE").param("m", memberId)
                .query(LedgerRepository::accountRow).optional();
    }

    /** The account row without a lock (a reader's view). */
    public Optional<AccountRow> accountRow(long memberId) {
        return jdbc.sql("SELECT * FROM member_accounts WHERE member_id = :m").param("m", memberId)
                .query(LedgerRepository::accountRow).optional();
    }

    private static AccountRow accountRow(ResultSet rs, int i) throws SQLException {
        long available = rs.getLong("available");
        Long availableOrNull = rs.wasNull() ? null : available;
        long pending = rs.getLong("pending");
        return new AccountRow(rs.getLong("balance"), availableOrNull, rs.wasNull() ? null : pending,
                rs.getObject("figures_from", OffsetDateTime.class), rs.getObject("figures_until", OffsetDateTime.class),
                rs.getObject("expiry_from", OffsetDateTime.class));
    }

    /** Stores figures worked out from the open lots at {@code from}, under the member's lock. */
    public void storeFigures(long memberId, long available, long pending, OffsetDateTime from, OffsetDateTime until,
                             OffsetDateTime expiryFrom) {
        jdbc.sql("""
                UPDATE member_accounts SET available = :a, pending = :p, figures_from = :f, figures_until = :u, expiry_from = :e
                WHERE member_id = :m""")
                .param("a", available).param("p", pending).param("f", from).param("u", until).param("e", expiryFrom)
                .param("m", memberId).update();
    }

    public long balance(long memberId) {
        return jdbc.sql("SELECT balance FROM member_accounts WHERE member_id = :m").param("m", memberId)
                .query(Long.class).optional().orElse(0L);
    }

    /** Changes the cached balance and clears the figures: the next locked read works them out again. */
    public void addToBalance(long memberId, long delta) {
        jdbc.sql("UPDATE member_accounts SET balance = balance + :d, available = NULL, pending = NULL WHERE member_id = :m")
                .param("d", delta).param("m", memberId).update();
    }

    /**
     * A plain earn: the balance grows, and valid figures take the new lot in (available or pending by
     * when it matures; the span they hold for ends no later than it matures or expires).
     */
    public void addEarned(long memberId, long points, OffsetDateTime availableFrom, OffsetDateTime expiresAt, OffsetDateTime now) {
        boolean matured = !availableFrom.isAfter(now);
        jdbc.sql("""
                UPDATE member_accounts SET balance = balance + :d,
                    available = CASE WHEN available IS NOT NULL AND figures_from <= :now AND figures_until > :now
                                     THEN available + :toAvailable ELSE NULL END,
                    pending = CASE WHEN available IS NOT NULL AND figures_from <= :now AND figures_until > :now
                                   THEN pending + :toPending ELSE NULL END,
                    figures_until = CASE WHEN :changes < figures_until THEN :changes ELSE figures_until END,
                    expiry_from = CASE WHEN expiry_from IS NULL OR :expires < expiry_from THEN :expires ELSE expiry_from END
                WHERE member_id = :m""")
                .param("d", points).param("now", now).param("toAvailable", matured ? points : 0).param("toPending", matured ? 0 : points)
                .param("changes", matured || expiresAt.isBefore(availableFrom) ? expiresAt : availableFrom).param("expires", expiresAt)
                .param("m", memberId).update();
    }

    /** A plain spend of available points: the balance and valid figures' available points shrink. */
    public void addSpent(long memberId, long points, OffsetDateTime now) {
        jdbc.sql("""
                UPDATE member_accounts SET balance = balance - :d,
                    available = CASE WHEN available IS NOT NULL AND figures_from <= :now AND figures_until > :now
                                     THEN available - :d ELSE NULL END
                WHERE member_id = :m""")
                .param("d", points).param("now", now).param("m", memberId).update();
    }

    /** Inserts a transfer; exactly one of member/program is set on each side. */
    public long transfer(Long debitMember, ProgramAccount debitProgram, Long creditMember, ProgramAccount creditProgram,
                         long amount, TransferCode code, Long purchaseId, Long returnId, Long adjustmentId, String reason,
                         OffsetDateTime at) {
        return transfer(debitMember, debitProgram, creditMember, creditProgram, amount, code, purchaseId, returnId, adjustmentId,
                null, reason, at);
    }

    public long transfer(Long debitMember, ProgramAccount debitProgram, Long creditMember, ProgramAccount creditProgram,
                         long amount, TransferCode code, Long purchaseId, Long returnId, Long adjustmentId, Long rewardId,
                         String reason, OffsetDateTime at) {
        return transferBetween(debitMember, debitProgram == null ? null : debitProgram.id(), creditMember,
                creditProgram == null ? null : creditProgram.id(), amount, code, purchaseId, returnId, adjustmentId, rewardId, reason, at);
    }

    /** Inserts a transfer naming programme accounts by id (the fixed ones or a partner's); exactly one side each. */
    public long transferBetween(Long debitMember, Long debitProgram, Long creditMember, Long creditProgram,
                                long amount, TransferCode code, Long purchaseId, Long returnId, Long adjustmentId, Long rewardId,
                                String reason, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO point_transfers (id, debit_member_id, debit_program_id, credit_member_id, credit_program_id,
                    amount, code, purchase_id, return_id, adjustment_id, reward_id, reason, created_at)
                VALUES (nextval('transfer_seq'), :dm, :dp, :cm, :cp, :amount, :code, :purchase, :ret, :adj, :reward, :reason, :at)""")
                .param("reward", rewardId)
                .param("dm", debitMember).param("dp", debitProgram)
                .param("cm", creditMember).param("cp", creditProgram)
                .param("amount", amount).param("code", code.name()).param("purchase", purchaseId).param("ret", returnId)
                .param("adj", adjustmentId).param("reason", reason).param("at", at)
                .update(keys, "id");
        long id = keys.getKey().longValue();
        return id;
    }

    public long insertLot(long memberId, Long transferId, Long purchaseId, long amount, OffsetDateTime availableFrom,
                          OffsetDateTime expiresAt, OffsetDateTime at) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO point_lots (member_id, transfer_id, purchase_id, amount, remaining, available_from, expires_at, created_at)
                VALUES (:m, :t, :p, :amount, :amount, :from, :expires, :at)""")
                .param("m", memberId).param("t", transferId).param("p", purchaseId).param("amount", amount)
                .param("from", availableFrom).param("expires", expiresAt).param("at", at)
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    /** Changes a lot's remaining points and records why: remaining = amount + Σ movements, always. */
    public void moveLot(long lotId, Long transferId, long delta, String kind, OffsetDateTime at) {
        jdbc.sql("UPDATE point_lots SET remaining = remaining + :d, is_open = (remaining + :d <> 0) WHERE id = :l")
                .param("d", delta).param("l", lotId).update();
        jdbc.sql("INSERT INTO lot_movements (lot_id, transfer_id, amount, kind, created_at) VALUES (:l, :t, :a, :k, :at)")
                .param("l", lotId).param("t", transferId).param("a", delta).param("k", kind).param("at", at).update();
    }

    /** The member's lots that still hold points (or debt), the soonest expiring first. */
    public List<Lot> openLots(long memberId) {
        return jdbc.sql("SELECT * FROM point_lots WHERE member_id = :m AND is_open = TRUE ORDER BY expires_at, id LIMIT 10000")
                .param("m", memberId).query(LedgerRepository::lot).list();
    }

    /** The member's open debts (left by returns), oldest first. */
    public List<Lot> debts(long memberId, OffsetDateTime never) {
        // A debt never expires: the open lots of that expiry are few, whatever the member's history.
        return jdbc.sql("SELECT * FROM point_lots WHERE member_id = :m AND is_open = TRUE AND expires_at = :never AND remaining < 0 ORDER BY id LIMIT 1000")
                .param("m", memberId).param("never", never).query(LedgerRepository::lot).list();
    }

    /** Open lots holding points that expire after {@code after} and no later than {@code until}. */
    public List<Lot> expiringLots(long memberId, OffsetDateTime after, OffsetDateTime until) {
        return jdbc.sql("""
                SELECT * FROM point_lots WHERE member_id = :m AND is_open = TRUE AND expires_at > :after AND expires_at <= :until
                AND remaining > 0 ORDER BY expires_at, id LIMIT 10000""")
                .param("m", memberId).param("after", after).param("until", until).query(LedgerRepository::lot).list();
    }

    /** The member's available lots, soonest-expiring first, a chunk at a time (a spend reads only what it takes). */
    public List<Lot> availableLots(long memberId, OffsetDateTime now, int limit) {
        return jdbc.sql("""
                SELECT * FROM point_lots WHERE member_id = :m AND is_open = TRUE AND remaining > 0
                AND available_from <= :now AND expires_at > :now ORDER BY expires_at, id LIMIT :l""")
                .param("m", memberId).param("now", now).param("l", limit).query(LedgerRepository::lot).list();
    }

    /** The lot a purchase earned, as the member now holds it (after a merge, the survivor's copy). */
    public Optional<Lot> purchaseLot(long purchaseId, long memberId) {
        return jdbc.sql("SELECT * FROM point_lots WHERE purchase_id = :p AND member_id = :m AND amount > 0 ORDER BY id DESC LIMIT 1")
                .param("p", purchaseId).param("m", memberId).query(LedgerRepository::lot).optional();
    }

    /** Points that left a lot because it expired. */
    public long expiredFrom(long lotId) {
        return -jdbc.sql("SELECT COALESCE(SUM(amount), 0) FROM lot_movements WHERE lot_id = :l AND kind = 'EXPIRE'")
                .param("l", lotId).query(Long.class).single();
    }

    /**
     * Per lot, the points a purchase's redemption took that have not been given back yet (positive
     * numbers), the latest-expiring lot first.
     */
    public List<Owed> unrefundedRedemption(long purchaseId) {
        return owed("t.purchase_id = :p AND t.code IN ('REDEEM', 'REFUND_RETURN', 'PARTNER_REDEEM', 'PARTNER_REFUND')", purchaseId);
    }

    /** Points a reward redemption took from each lot and has not given back yet. */
    public List<Owed> unrefundedReward(long redemptionId) {
        return owed("t.reward_id = :p AND t.code IN ('REWARD', 'REWARD_REFUND')", redemptionId);
    }

    private List<Owed> owed(String where, long id) {
        return jdbc.sql("""
                SELECT m.lot_id, -SUM(m.amount) AS owed
                FROM lot_movements m JOIN point_transfers t ON t.id = m.transfer_id
                WHERE\s""" + where + " GROUP BY m.lot_id")
                .param("p", id)
                .query((rs, i) -> Map.entry(rs.getLong("lot_id"), rs.getLong("owed"))).list().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> new Owed(lot(e.getKey()), e.getValue()))
                .sorted(java.util.Comparator.comparing((Owed o) -> o.lot().expiresAt()).reversed())
                .toList();
    }

    /** Opens a programme account (a partner's) and answers its id. */
    public long openProgramAccount(String code) {
        long id = jdbc.sql("SELECT nextval('program_account_seq')").query(Long.class).single();
        jdbc.sql("INSERT INTO program_accounts (id, code) VALUES (:id, :code)").param("id", id).param("code", code).update();
        return id;
    }

    /** Points moved by transfers of {@code code} into ({@code credit}) or out of a programme account, recorded in [from, to). */
    public long programAccountFlow(long accountId, TransferCode code, boolean credit, OffsetDateTime from, OffsetDateTime to) {
        return jdbc.sql("SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE "
                        + (credit ? "credit_program_id" : "debit_program_id")
                        + " = :a AND code = :c AND created_at >= :from AND created_at < :to")
                .param("a", accountId).param("c", code.name()).param("from", from).param("to", to).query(Long.class).single();
    }

    public Lot lot(long id) {
        return jdbc.sql("SELECT * FROM point_lots WHERE id = :id").param("id", id).query(LedgerRepository::lot).single();
    }

    /** Points a purchase's redemption took from a lot and has not given back yet. */
    public record Owed(Lot lot, long points) {
    }

    /** Members who have lots past their expiry that still hold points. */
    public List<Long> membersWithExpiredLots(OffsetDateTime now, int limit) {
        return jdbc.sql("""
                SELECT DISTINCT member_id FROM point_lots WHERE expires_at <= :now AND remaining > 0
                ORDER BY member_id LIMIT :limit""")
                .param("now", now).param("limit", limit).query(Long.class).list();
    }

    public Page<LedgerEntry> history(long memberId, PageRequest page) {
        long total = jdbc.sql("""
                SELECT COUNT(*) FROM point_transfers WHERE debit_member_id = :m OR credit_member_id = :m""")
                .param("m", memberId).query(Long.class).single();
        List<LedgerEntry> items = jdbc.sql("""
                SELECT * FROM point_transfers WHERE debit_member_id = :m OR credit_member_id = :m
                ORDER BY id DESC LIMIT :limit OFFSET :offset""")
                .param("m", memberId).param("limit", page.size()).param("offset", page.offset())
                .query((rs, i) -> entry(rs, memberId)).list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    private static LedgerEntry entry(ResultSet rs, long memberId) throws SQLException {
        long amount = rs.getLong("amount");
        long debit = rs.getLong("debit_member_id");
        boolean debited = !rs.wasNull() && debit == memberId;
        return new LedgerEntry(rs.getLong("id"), rs.getObject("created_at", OffsetDateTime.class),
                TransferCode.valueOf(rs.getString("code")), debited ? -amount : amount, nullableLong(rs, "purchase_id"),
                nullableLong(rs, "return_id"), nullableLong(rs, "adjustment_id"), rs.getString("reason"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Lot lot(ResultSet rs, int row) throws SQLException {
        return new Lot(rs.getLong("id"), rs.getLong("member_id"), nullableLong(rs, "purchase_id"), rs.getLong("amount"),
                rs.getLong("remaining"), rs.getObject("available_from", OffsetDateTime.class),
                rs.getObject("expires_at", OffsetDateTime.class), rs.getObject("created_at", OffsetDateTime.class));
    }
}
