package io.patron.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ledger's invariants, checked with plain SQL against the tables (not through the code under
 * test): the books balance, every member's cached balance equals the sum of their transfers and the
 * sum of their open lots, every lot's remaining equals the sum of its movements, and only a return's
 * debt is ever negative.
 */
public final class LedgerInvariants {

    private final JdbcClient jdbc;

    public LedgerInvariants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void check(String context) {
        Map<String, Object> sides = jdbc.sql("""
                SELECT
                  (SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE debit_member_id IS NOT NULL)
                  + (SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE debit_program_id IS NOT NULL) AS debits,
                  (SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE credit_member_id IS NOT NULL)
                  + (SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE credit_program_id IS NOT NULL) AS credits
                """).query().singleRow();
        assertThat(((Number) sides.get("debits")).longValue()).as(context + ": Σ debits = Σ credits")
                .isEqualTo(((Number) sides.get("credits")).longValue());

        List<String> balanceMismatches = jdbc.sql("""
                SELECT a.member_id || ': cached ' || a.balance || ', transfers ' || COALESCE(t.total, 0) || ', lots ' || COALESCE(l.total, 0)
                FROM member_accounts a
                LEFT JOIN (SELECT m, SUM(x) AS total FROM (
                        SELECT credit_member_id AS m, amount AS x FROM point_transfers WHERE credit_member_id IS NOT NULL
                        UNION ALL
                        SELECT debit_member_id AS m, -amount AS x FROM point_transfers WHERE debit_member_id IS NOT NULL) u
                    GROUP BY m) t ON t.m = a.member_id
                LEFT JOIN (SELECT member_id, SUM(remaining) AS total FROM point_lots GROUP BY member_id) l ON l.member_id = a.member_id
                WHERE a.balance <> COALESCE(t.total, 0) OR a.balance <> COALESCE(l.total, 0)
                """).query(String.class).list();
        assertThat(balanceMismatches).as(context + ": balance = Σ transfers = Σ lots").isEmpty();

        List<String> orphanLots = jdbc.sql("""
                SELECT DISTINCT CAST(l.member_id AS VARCHAR(20)) FROM point_lots l
                LEFT JOIN member_accounts a ON a.member_id = l.member_id WHERE a.member_id IS NULL AND l.remaining <> 0
                """).query(String.class).list();
        assertThat(orphanLots).as(context + ": lots without an account").isEmpty();

        List<String> lotMismatches = jdbc.sql("""
                SELECT l.id || ': remaining ' || l.remaining || ', amount + movements ' || (l.amount + COALESCE(SUM(m.amount), 0))
                FROM point_lots l LEFT JOIN lot_movements m ON m.lot_id = l.id
                GROUP BY l.id, l.amount, l.remaining HAVING l.remaining <> l.amount + COALESCE(SUM(m.amount), 0)
                """).query(String.class).list();
        assertThat(lotMismatches).as(context + ": lot remaining = amount + Σ movements").isEmpty();

        long badNegative = jdbc.sql("""
                SELECT COUNT(*) FROM point_lots WHERE (amount > 0 AND (remaining < 0 OR remaining > amount))
                   OR (amount < 0 AND (remaining > 0 OR remaining < amount))""").query(Long.class).single();
        assertThat(badNegative).as(context + ": lots stay within [0, amount] (debts within [amount, 0])").isZero();

        long debtsWithoutReturn = jdbc.sql("""
                SELECT COUNT(*) FROM point_lots l JOIN point_transfers t ON t.id = l.transfer_id
                WHERE l.amount < 0 AND t.code NOT IN ('REVERSE_RETURN', 'MERGE')""").query(Long.class).single();
        assertThat(debtsWithoutReturn).as(context + ": only a return creates a debt (a merge moves one)").isZero();

        long negativeWithoutDebt = jdbc.sql("""
                SELECT COUNT(*) FROM member_accounts a WHERE a.balance < 0
                AND NOT EXISTS (SELECT 1 FROM point_lots l WHERE l.member_id = a.member_id AND l.remaining < 0)""")
                .query(Long.class).single();
        assertThat(negativeWithoutDebt).as(context + ": a balance below zero only through a return").isZero();
    }
}
