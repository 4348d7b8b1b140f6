-- Points per UTC day and transfer code, rolled up from the ledger's transfers (issued, redeemed,
-- reversed, expired …) for the analytics: member_delta is what the members' side gained (negative
-- when points left members).
CREATE TABLE rollup_points_daily (
    sale_day      DATE        NOT NULL,
    code          VARCHAR(32) NOT NULL,
    member_delta  BIGINT      NOT NULL,
    transfers     BIGINT      NOT NULL,
    PRIMARY KEY (sale_day, code)
);
INSERT INTO rollup_state (name, last_id, updated_at) VALUES ('transfers', 0, CURRENT_TIMESTAMP);
