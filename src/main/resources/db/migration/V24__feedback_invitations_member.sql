-- The till asks whether a member has a survey open (a cashier prompt): by member, on every sale.
CREATE INDEX IF NOT EXISTS ix_feedback_invitations_member ON feedback_invitations (member_id, expires_at);
