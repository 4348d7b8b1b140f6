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
    public long lockAccount(long memberId, OffsetDateTime at) {
        Optional<Long> balance = selectForUpdate(memberId);
        if (balance.isPresent()) {
            return balance.get();
        }
        jdbc.sql("INSERT INTO member_accounts (member_id, balance, opened_at) VALUES (:m, 0, :at) ON CONFLICT DO NOTHING")
                .param("m", memberId).param("at", at).update();
        return selectForUpdate(memberId).orElseThrow();
    }

    private Optional<Long> selectForUpdate(long memberId) {
        return jdbc.sql("SELECT balance FROM member_accounts WHERE member_id = :m FOR UPDATE").param("m", memberId)
                .query(Long.class).optional();
    }

    public long balance(long memberId) {
        return jdbc.sql("SELECT balance FROM member_accounts WHERE member_id = :m").param("m", memberId)
                .query(Long.class).optional().orElse(0L);
    }

    public void addToBalance(long memberId, long delta) {
        jdbc.sql("UPDATE member_accounts SET balance = balance + :d WHERE member_id = :m").param("d", delta)
                .param("m", memberId).update();
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
        long id = jdbc.sql("SELECT nextval('transfer_seq')").query(Long.class).single();
        jdbc.sql("""
                INSERT INTO point_transfers (id, debit_member_id, debit_program_id, credit_member_id, credit_program_id,
                    amount, code, purchase_id, return_id, adjustment_id, reward_id, reason, created_at)
                VALUES (:id, :dm, :dp, :cm, :cp, :amount, :code, :purchase, :ret, :adj, :reward, :reason, :at)""")
                .param("reward", rewardId)
                .param("id", id).param("dm", debitMember).param("dp", debitProgram)
                .param("cm", creditMember).param("cp", creditProgram)
                .param("amount", amount).param("code", code.name()).param("purchase", purchaseId).param("ret", returnId)
                .param("adj", adjustmentId).param("reason", reason).param("at", at)
                .update();
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
        jdbc.sql("UPDATE point_lots SET remaining = remaining + :d WHERE id = :l").param("d", delta).param("l", lotId).update();
        jdbc.sql("INSERT INTO lot_movements (lot_id, transfer_id, amount, kind, created_at) VALUES (:l, :t, :a, :k, :at)")
                .param("l", lotId).param("t", transferId).param("a", delta).param("k", kind).param("at", at).update();
    }

    /** The member's lots that still hold points (or debt), the soonest expiring first. */
    public List<Lot> openLots(long memberId) {
        return jdbc.sql("SELECT * FROM point_lots WHERE member_id = :m AND remaining <> 0 ORDER BY expires_at, id LIMIT 10000")
                .param("m", memberId).query(LedgerRepository::lot).list();
    }

    /** The member's open debts (left by returns), oldest first. */
    public List<Lot> debts(long memberId) {
        return jdbc.sql("SELECT * FROM point_lots WHERE member_id = :m AND remaining < 0 ORDER BY id LIMIT 1000")
                .param("m", memberId).query(LedgerRepository::lot).list();
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
