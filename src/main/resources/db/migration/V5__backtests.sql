-- Back-tests: a programme version run over recorded history beside another, in the background.
CREATE SEQUENCE backtest_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE backtests (
    id                 BIGINT       NOT NULL PRIMARY KEY,
    status             VARCHAR(16)  NOT NULL,
    candidate_version  INT          NOT NULL,
    baseline_version   INT          NOT NULL,
    period_from        TIMESTAMP WITH TIME ZONE NOT NULL,
    period_to          TIMESTAMP WITH TIME ZONE NOT NULL,
    store_id           BIGINT REFERENCES stores (id),
    created_by         VARCHAR(100) NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at         TIMESTAMP WITH TIME ZONE,
    finished_at        TIMESTAMP WITH TIME ZONE,
    heartbeat_at       TIMESTAMP WITH TIME ZONE,
    receipts_total     BIGINT       DEFAULT 0 NOT NULL,
    receipts_done      BIGINT       DEFAULT 0 NOT NULL,
    cancel_requested   BOOLEAN      DEFAULT FALSE NOT NULL,
    error              VARCHAR(500),
    result             TEXT
);
CREATE INDEX IF NOT EXISTS ix_backtests_created ON backtests (created_at);
CREATE INDEX IF NOT EXISTS ix_returns_occurred ON purchase_returns (occurred_at);
