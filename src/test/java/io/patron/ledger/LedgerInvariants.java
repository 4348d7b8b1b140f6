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

    /**
     * The available and pending points an account row keeps, against the same worked out from the lots
     * at the last moment anything about them was written (the figures claim to hold from then until
     * {@code figures_until}; rows whose claim ended since are left to the next locked read).
     */
    private List<String> figureMismatches() {
        record Row(long member, long available, long pending, java.time.OffsetDateTime from, java.time.OffsetDateTime until) {
        }
        List<Row> rows = jdbc.sql("""
                SELECT member_id, available, pending, figures_from, figures_until FROM member_accounts WHERE available IS NOT NULL""")
                .query((rs, i) -> new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getObject(4, java.time.OffsetDateTime.class),
                        rs.getObject(5, java.time.OffsetDateTime.class))).list();
        List<String> wrong = new java.util.ArrayList<>();
        for (Row row : rows) {
            java.time.OffsetDateTime at = jdbc.sql("""
                    SELECT MAX(t) FROM (SELECT created_at AS t FROM point_lots WHERE member_id = :m
                                        UNION ALL SELECT m.created_at FROM lot_movements m JOIN point_lots l ON l.id = m.lot_id WHERE l.member_id = :m) x""")
                    .param("m", row.member()).query(java.time.OffsetDateTime.class).optional().orElse(null);
            if (at == null || row.from() != null && row.from().isAfter(at)) {
                at = row.from();
            }
            if (at == null || row.until() != null && !at.isBefore(row.until())) {
                continue;
            }
            long[] figures = jdbc.sql("""
                    SELECT COALESCE(SUM(CASE WHEN available_from <= :t AND expires_at > :t THEN remaining ELSE 0 END), 0),
                           COALESCE(SUM(CASE WHEN available_from > :t AND expires_at > :t THEN remaining ELSE 0 END), 0)
                    FROM point_lots WHERE member_id = :m AND is_open = TRUE""")
                    .param("m", row.member()).param("t", at).query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
            if (figures[0] != row.available() || figures[1] != row.pending()) {
                wrong.add(row.member() + ": kept " + row.available() + "/" + row.pending() + ", lots at " + at + " give " + figures[0] + "/" + figures[1]);
            }
        }
        return wrong;
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

        long openFlagWrong = jdbc.sql("SELECT COUNT(*) FROM point_lots WHERE is_open <> (remaining <> 0)").query(Long.class).single();
        assertThat(openFlagWrong).as(context + ": a lot is open exactly while it holds points (or debt)").isZero();

        assertThat(figureMismatches()).as(context + ": an account's kept figures = what its lots give when they were last touched").isEmpty();

        long negativeWithoutDebt = jdbc.sql("""
                SELECT COUNT(*) FROM member_accounts a WHERE a.balance < 0
                AND NOT EXISTS (SELECT 1 FROM point_lots l WHERE l.member_id = a.member_id AND l.remaining < 0)""")
                .query(Long.class).single();
        assertThat(negativeWithoutDebt).as(context + ": a balance below zero only through a return").isZero();
    }
}
