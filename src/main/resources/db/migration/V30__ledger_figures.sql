-- A sale reads a member's points in O(1) (issue "till path"). Lots that hold nothing any more are
-- closed (is_open false) and never read on the till's path again; the member's account row keeps the
-- available and pending points it last worked out from the open lots, valid from figures_from until
-- the first moment one of them matures or expires (figures_until), and the earliest expiry of a lot
-- still holding points (expiry_from). Any change other than a plain earn or spend clears the figures
-- (available null) and the next locked read works them out again.
ALTER TABLE point_lots ADD COLUMN is_open BOOLEAN DEFAULT TRUE NOT NULL;
UPDATE point_lots SET is_open = FALSE WHERE remaining = 0;
CREATE INDEX IF NOT EXISTS ix_lots_member_open ON point_lots (member_id, is_open, expires_at);

ALTER TABLE member_accounts ADD COLUMN available BIGINT;
ALTER TABLE member_accounts ADD COLUMN pending BIGINT;
ALTER TABLE member_accounts ADD COLUMN figures_from TIMESTAMP WITH TIME ZONE;
ALTER TABLE member_accounts ADD COLUMN figures_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE member_accounts ADD COLUMN expiry_from TIMESTAMP WITH TIME ZONE;
