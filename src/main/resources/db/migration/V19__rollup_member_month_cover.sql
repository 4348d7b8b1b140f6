-- The member measures group a period's months of the member-month roll-up by member: with the receipts
-- in the index, PostgreSQL reads the index alone (0.7 s instead of 1.2 s for three months of
-- 1,000,000 members in the analytics bench). It replaces the narrower index of V16.
CREATE INDEX IF NOT EXISTS ix_rollup_member_month_cover ON rollup_member_month (sale_month, store_id, member_id, receipts);
DROP INDEX IF EXISTS ix_rollup_member_month;
