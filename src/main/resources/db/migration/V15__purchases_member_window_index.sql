-- Segments aggregate each member's purchases in a window (count, spend after discounts). With the
-- amounts in the index, PostgreSQL reads the index alone, in member order, and groups as it goes
-- instead of hashing a million groups: a year over 3,000,000 purchases and 1,000,000 members counts
-- in about 1.3 s instead of 3.5 s. It replaces the narrower (member_id, occurred_at) index.
CREATE INDEX IF NOT EXISTS ix_purchases_member_window ON purchases (member_id, occurred_at, subtotal, discount_total);
DROP INDEX IF EXISTS ix_purchases_member;
