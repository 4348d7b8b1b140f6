-- Rule caps: one row per capped rule that applied to a purchase (what it gave: money or points),
-- counted per member and calendar period; a rule's total budget as one row per rule.
CREATE TABLE rule_uses (
    purchase_id  BIGINT        NOT NULL REFERENCES purchases (id),
    rule_id      VARCHAR(50)   NOT NULL,
    member_id    BIGINT,
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    amount       DECIMAL(14,2) NOT NULL,
    PRIMARY KEY (purchase_id, rule_id)
);
CREATE INDEX IF NOT EXISTS ix_rule_uses_member ON rule_uses (member_id, rule_id, occurred_at);

CREATE TABLE rule_budgets (
    rule_id  VARCHAR(50)   NOT NULL PRIMARY KEY,
    used     DECIMAL(16,2) NOT NULL
);

-- Referral bonus: who was credited for a newcomer's first purchase, and how much (taken back if it all comes back).
ALTER TABLE purchases ADD COLUMN referrer_id BIGINT;
ALTER TABLE purchases ADD COLUMN referrer_points BIGINT DEFAULT 0 NOT NULL;

-- Rules may look at a line's brand; back-tests re-price recorded lines, so the brand is kept.
ALTER TABLE purchase_lines ADD COLUMN brand VARCHAR(64);

-- A manual tier (VIP) that a member keeps at least until it expires, whatever their spend.
CREATE TABLE tier_floors (
    member_id   BIGINT       NOT NULL PRIMARY KEY REFERENCES members (id),
    tier        VARCHAR(50)  NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    reason      VARCHAR(500),
    set_by      VARCHAR(100) NOT NULL,
    set_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
