-- Segments: saved definitions of groups of members, evaluated in SQL when used.
CREATE SEQUENCE segment_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE segments (
    id          BIGINT        NOT NULL PRIMARY KEY,
    code        VARCHAR(40)   NOT NULL,
    name        VARCHAR(200)  NOT NULL,
    definition  TEXT          NOT NULL,
    created_by  VARCHAR(100)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_segments_code UNIQUE (code)
);
CREATE INDEX IF NOT EXISTS ix_members_referred_by ON members (referred_by);
