-- The reward catalogue: items priced in points, and each member's redemptions of them.
ALTER TABLE point_transfers ADD COLUMN reward_id BIGINT;
CREATE INDEX IF NOT EXISTS ix_transfers_reward ON point_transfers (reward_id);

CREATE SEQUENCE reward_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE reward_items (
    id                BIGINT        NOT NULL PRIMARY KEY,
    code              VARCHAR(40)   NOT NULL,
    name              VARCHAR(200)  NOT NULL,
    description       VARCHAR(2000),
    kind              VARCHAR(20)   NOT NULL,
    points_price      BIGINT,
    birthday_points   BIGINT,
    stock             INT,
    per_member_limit  INT,
    min_tier          VARCHAR(50),
    valid_from        TIMESTAMP WITH TIME ZONE,
    valid_to          TIMESTAMP WITH TIME ZONE,
    image_url         VARCHAR(500),
    campaign_id       BIGINT REFERENCES coupon_campaigns (id),
    status            VARCHAR(16)   NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_reward_items_code UNIQUE (code),
    CONSTRAINT ck_reward_stock CHECK (stock IS NULL OR stock >= 0)
);

CREATE TABLE reward_redemptions (
    id             BIGINT       NOT NULL PRIMARY KEY,
    item_id        BIGINT       NOT NULL REFERENCES reward_items (id),
    member_id      BIGINT       NOT NULL REFERENCES members (id),
    points         BIGINT       NOT NULL,
    birthday_year  INT,
    coupon_code    VARCHAR(64),
    status         VARCHAR(16)  NOT NULL,
    channel        VARCHAR(16)  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by     VARCHAR(100) NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_reward_redemptions_member ON reward_redemptions (member_id, id);
CREATE INDEX IF NOT EXISTS ix_reward_redemptions_item ON reward_redemptions (item_id);
