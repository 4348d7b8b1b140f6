-- Prize draws: the commitment to a secret seed at creation, tickets per purchase, the frozen
-- ticket list's hash, the revealed seed and the winners.
CREATE SEQUENCE draw_seq START WITH 1 INCREMENT BY 1;
CREATE SEQUENCE draw_ticket_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE draws (
    id                   BIGINT       NOT NULL PRIMARY KEY,
    code                 VARCHAR(40)  NOT NULL,
    series               VARCHAR(40),
    repeat_monthly       BOOLEAN      NOT NULL,
    name                 VARCHAR(200) NOT NULL,
    entry_from           TIMESTAMP WITH TIME ZONE NOT NULL,
    entry_to             TIMESTAMP WITH TIME ZONE NOT NULL,
    max_tickets          INT,
    allow_multiple_wins  BOOLEAN      NOT NULL,
    auto_draw            BOOLEAN      NOT NULL,
    eligible_segment     VARCHAR(40),
    eligible_tiers       VARCHAR(500) NOT NULL,
    eligible_stores      VARCHAR(2000) NOT NULL,
    commitment           VARCHAR(64)  NOT NULL,
    seed_secret          VARCHAR(64)  NOT NULL,
    pseudonym_key        VARCHAR(64)  NOT NULL,
    status               VARCHAR(16)  NOT NULL,
    tickets_hash         VARCHAR(64),
    ticket_list          TEXT,
    frozen_at            TIMESTAMP WITH TIME ZONE,
    drawn_at             TIMESTAMP WITH TIME ZONE,
    drawn_by             VARCHAR(100),
    created_by           VARCHAR(100) NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_draws_code UNIQUE (code)
);

CREATE INDEX IF NOT EXISTS ix_draws_series ON draws (series, status);

CREATE TABLE draw_prizes (
    draw_id   BIGINT       NOT NULL REFERENCES draws (id),
    position  INT          NOT NULL,
    name      VARCHAR(200) NOT NULL,
    quantity  INT          NOT NULL,
    coupon_campaign  VARCHAR(40),
    PRIMARY KEY (draw_id, position)
);

CREATE TABLE draw_tickets (
    id           BIGINT NOT NULL PRIMARY KEY,
    draw_id      BIGINT NOT NULL REFERENCES draws (id),
    member_id    BIGINT NOT NULL REFERENCES members (id),
    purchase_id  BIGINT NOT NULL,
    issued_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    voided_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS ix_draw_tickets_draw ON draw_tickets (draw_id, id);
CREATE INDEX IF NOT EXISTS ix_draw_tickets_member ON draw_tickets (member_id, draw_id);
CREATE INDEX IF NOT EXISTS ix_draw_tickets_purchase ON draw_tickets (purchase_id);

CREATE TABLE draw_winners (
    draw_id          BIGINT       NOT NULL REFERENCES draws (id),
    slot             INT          NOT NULL,
    prize            VARCHAR(200) NOT NULL,
    ticket           BIGINT       NOT NULL,
    pseudonym        VARCHAR(32)  NOT NULL,
    member_id        BIGINT       NOT NULL,
    coupon_code      VARCHAR(64),
    handed_over_at   TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (draw_id, slot)
);
