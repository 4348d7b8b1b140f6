-- Feedback: NPS, satisfaction and suggestions, from a signed single-use e-mail link, the portal or a
-- store's public page (behind a QR code), tied to the member, store and purchase when known.
CREATE SEQUENCE feedback_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE feedback_invitations (
    id           BIGINT       NOT NULL PRIMARY KEY,
    token_hash   VARCHAR(64)  NOT NULL,
    kind         VARCHAR(16)  NOT NULL,
    member_id    BIGINT       NOT NULL REFERENCES members (id),
    store_id     BIGINT REFERENCES stores (id),
    purchase_id  BIGINT,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT uq_feedback_token UNIQUE (token_hash)
);

CREATE TABLE feedback_responses (
    id             BIGINT        NOT NULL PRIMARY KEY,
    kind           VARCHAR(16)   NOT NULL,
    score          INT,
    comment        VARCHAR(2000),
    channel        VARCHAR(16)   NOT NULL,
    member_id      BIGINT REFERENCES members (id),
    store_id       BIGINT REFERENCES stores (id),
    purchase_id    BIGINT,
    invitation_id  BIGINT REFERENCES feedback_invitations (id),
    follow_up      BOOLEAN       DEFAULT FALSE NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_feedback_created ON feedback_responses (created_at);
CREATE INDEX IF NOT EXISTS ix_feedback_store ON feedback_responses (store_id, created_at);
