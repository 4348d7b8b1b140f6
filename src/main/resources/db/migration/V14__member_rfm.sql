-- RFM: each member with a purchase in the last year scored 1–5 on recency, frequency and money
-- (quintiles among those members) and named by class. Worked out again by a daily job; segments,
-- rules and analytics read it.
CREATE TABLE member_rfm (
    member_id       BIGINT        NOT NULL PRIMARY KEY REFERENCES members (id),
    last_purchase   TIMESTAMP WITH TIME ZONE NOT NULL,
    frequency       INT           NOT NULL,
    monetary        DECIMAL(16,2) NOT NULL,
    r               SMALLINT      NOT NULL,
    f               SMALLINT      NOT NULL,
    m               SMALLINT      NOT NULL,
    rfm_class       VARCHAR(20)   NOT NULL,
    computed_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_member_rfm_class ON member_rfm (rfm_class);
