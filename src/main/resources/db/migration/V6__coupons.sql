-- Coupon campaigns and their codes. A campaign says what a coupon does and where; its codes are
-- generated, imported (a partner's list), one public code, or issued one by one to members.
CREATE SEQUENCE coupon_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE coupon_campaigns (
    id               BIGINT        NOT NULL PRIMARY KEY,
    code             VARCHAR(40)   NOT NULL,
    name             VARCHAR(200)  NOT NULL,
    effect_type      VARCHAR(20)   NOT NULL,
    effect_value     DECIMAL(14,2) NOT NULL,
    free_sku         VARCHAR(64),
    uses_per_code    INT,
    uses_per_member  INT,
    valid_from       TIMESTAMP WITH TIME ZONE,
    valid_to         TIMESTAMP WITH TIME ZONE,
    valid_days       INT,
    min_basket       DECIMAL(14,2),
    stores           VARCHAR(2000) NOT NULL,
    categories       VARCHAR(2000) NOT NULL,
    skus             VARCHAR(4000) NOT NULL,
    stacking         VARCHAR(16)   NOT NULL,
    partner          VARCHAR(200),
    status           VARCHAR(16)   NOT NULL,
    created_by       VARCHAR(100)  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_coupon_campaigns_code UNIQUE (code)
);

CREATE TABLE coupons (
    id                  BIGINT       NOT NULL PRIMARY KEY,
    campaign_id         BIGINT       NOT NULL REFERENCES coupon_campaigns (id),
    code                VARCHAR(64)  NOT NULL,
    member_id           BIGINT REFERENCES members (id),
    uses                INT          DEFAULT 0 NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    valid_from          TIMESTAMP WITH TIME ZONE,
    valid_to            TIMESTAMP WITH TIME ZONE,
    issued_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    issued_purchase_id  BIGINT,
    CONSTRAINT uq_coupons_code UNIQUE (code)
);
CREATE INDEX IF NOT EXISTS ix_coupons_campaign ON coupons (campaign_id, id);
CREATE INDEX IF NOT EXISTS ix_coupons_member ON coupons (member_id, id);
CREATE INDEX IF NOT EXISTS ix_coupons_issued_purchase ON coupons (issued_purchase_id);

-- Every use of a coupon on a purchase; a use given back by a return keeps its row with returned_at.
CREATE TABLE coupon_uses (
    id           BIGINT        NOT NULL PRIMARY KEY,
    coupon_id    BIGINT        NOT NULL REFERENCES coupons (id),
    campaign_id  BIGINT        NOT NULL,
    purchase_id  BIGINT        NOT NULL,
    member_id    BIGINT,
    used_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    discount     DECIMAL(14,2) NOT NULL,
    points       BIGINT        NOT NULL,
    returned_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS ix_coupon_uses_purchase ON coupon_uses (purchase_id);
CREATE INDEX IF NOT EXISTS ix_coupon_uses_member ON coupon_uses (member_id, campaign_id);
CREATE INDEX IF NOT EXISTS ix_coupon_uses_campaign ON coupon_uses (campaign_id);

-- The demo programme's "receipts from 1,000 get a 100 coupon for the next visit" (PRODUCT.md):
-- its campaign, whose personal single-use coupons are valid 30 days from the receipt.
INSERT INTO coupon_campaigns (id, code, name, effect_type, effect_value, free_sku, uses_per_code, uses_per_member, valid_from,
    valid_to, valid_days, min_basket, stores, categories, skus, stacking, partner, status, created_by, created_at)
VALUES (nextval('coupon_seq'), 'NEXT-VISIT-100', '100 off the next visit', 'FIXED_DISCOUNT', 100.00, NULL, 1, NULL, NULL,
    NULL, 30, NULL, '', '', '', 'STACK', NULL, 'ACTIVE', 'system', CURRENT_TIMESTAMP);
