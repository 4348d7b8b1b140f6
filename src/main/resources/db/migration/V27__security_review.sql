-- Sessions end when their user's rights change: a user's sessions carry the session version they
-- were opened with, and any change of password, roles or status raises it.
ALTER TABLE admin_users ADD COLUMN session_version INT DEFAULT 0 NOT NULL;

-- Admin API tokens expire and may carry fewer roles than their user (null: all of the user's roles,
-- as tokens made before this version do).
ALTER TABLE admin_tokens ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE admin_tokens ADD COLUMN roles VARCHAR(200);

-- Pending counts from the later of the sale's own time and the time Patron received it.
-- (No schema change: recorded_at exists; noted here for the reader of the migrations.)

-- Tokens made before expiry existed stop working 90 days after this upgrade.
UPDATE admin_tokens SET expires_at = CURRENT_TIMESTAMP + INTERVAL '90' DAY WHERE expires_at IS NULL AND revoked_at IS NULL;

-- A mail's one-time secret (a sign-in link's token) is kept apart from its text, which holds a mark
-- in its place; the sender puts it in and the column is emptied once the mail has gone.
ALTER TABLE mail_outbox ADD COLUMN secret VARCHAR(100);

-- What a purchase keeps after a partial return is priced again from what remains, as it was sold: with
-- the tier the buyer held then. The referrer's bonus is taken back once, at the return that loses it.
ALTER TABLE purchases ADD COLUMN tier_code VARCHAR(64);
ALTER TABLE purchases ADD COLUMN referral_reversed BOOLEAN DEFAULT FALSE NOT NULL;
