-- Analytics roll-ups, maintained incrementally from purchases and returns (a watermark on their ids):
-- per store and local day the receipts and sales of members and anonymous buyers and the refunds;
-- per member, store and local month the member's receipts and sales (active members, frequency,
-- repeat purchases, cohorts).
CREATE TABLE rollup_daily (
    sale_day          DATE          NOT NULL,
    store_id          BIGINT        NOT NULL,
    receipts          BIGINT        NOT NULL,
    member_receipts   BIGINT        NOT NULL,
    sales             DECIMAL(16,2) NOT NULL,
    member_sales      DECIMAL(16,2) NOT NULL,
    refunds           DECIMAL(16,2) NOT NULL,
    PRIMARY KEY (sale_day, store_id)
);

CREATE TABLE rollup_member_month (
    member_id  BIGINT        NOT NULL,
    store_id   BIGINT        NOT NULL,
    sale_month DATE          NOT NULL,
    receipts   BIGINT        NOT NULL,
    sales      DECIMAL(16,2) NOT NULL,
    PRIMARY KEY (member_id, store_id, sale_month)
);
CREATE INDEX IF NOT EXISTS ix_rollup_member_month ON rollup_member_month (sale_month, store_id, member_id);

CREATE TABLE rollup_state (
    name        VARCHAR(40) NOT NULL PRIMARY KEY,
    last_id     BIGINT      NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO rollup_state (name, last_id, updated_at) VALUES ('purchases', 0, CURRENT_TIMESTAMP), ('returns', 0, CURRENT_TIMESTAMP);
