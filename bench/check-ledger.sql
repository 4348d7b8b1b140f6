-- The ledger's invariants and the acknowledged sales, for the fault benches: the number of violations
-- (0 when all hold). Needs a table sim_acked (receipt_id) of the receipts the clients saw acknowledged.
SELECT
  (SELECT CASE WHEN (SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE debit_member_id IS NOT NULL OR debit_program_id IS NOT NULL)
             = (SELECT COALESCE(SUM(amount), 0) FROM point_transfers WHERE credit_member_id IS NOT NULL OR credit_program_id IS NOT NULL)
          THEN 0 ELSE 1 END)
  + (SELECT COUNT(*) FROM member_accounts a
       LEFT JOIN (SELECT m, SUM(x) AS total FROM (SELECT credit_member_id AS m, amount AS x FROM point_transfers WHERE credit_member_id IS NOT NULL
                  UNION ALL SELECT debit_member_id, -amount FROM point_transfers WHERE debit_member_id IS NOT NULL) u GROUP BY m) t ON t.m = a.member_id
       LEFT JOIN (SELECT member_id, SUM(remaining) AS total FROM point_lots GROUP BY member_id) l ON l.member_id = a.member_id
       WHERE a.balance <> COALESCE(t.total, 0) OR a.balance <> COALESCE(l.total, 0))
  + (SELECT COUNT(*) FROM (SELECT l.id FROM point_lots l LEFT JOIN lot_movements m ON m.lot_id = l.id
       GROUP BY l.id, l.amount, l.remaining HAVING l.remaining <> l.amount + COALESCE(SUM(m.amount), 0)) x)
  + (SELECT COUNT(*) FROM point_lots WHERE remaining < 0 AND amount > 0)
  + (SELECT COUNT(*) FROM sim_acked k WHERE (SELECT COUNT(*) FROM purchases p WHERE p.receipt_id = k.receipt_id) <> 1);
