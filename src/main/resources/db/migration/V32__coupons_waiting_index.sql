-- The till asks how many coupons a member has waiting on every sale: their newest active coupons,
-- read from this index without touching the used and voided ones.
CREATE INDEX IF NOT EXISTS ix_coupons_member_status ON coupons (member_id, status, id);
