-- Events recorded in the transaction of the change that caused them, handed to the reactions after it
-- committed (module events) and deleted once every reaction is done: a queue read in the order of its
-- primary key. With several reactions to one event, each notes that it is done, so nothing is done twice.
CREATE SEQUENCE IF NOT EXISTS event_seq;
CREATE TABLE events (
    id               BIGINT        NOT NULL PRIMARY KEY,
    event_type       VARCHAR(64)   NOT NULL,
    member_id        BIGINT,
    store_id         BIGINT,
    details          VARCHAR(4000) NOT NULL,
    occurred_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts         INT           NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       VARCHAR(500)
);

CREATE TABLE event_reactions (
    event_id  BIGINT       NOT NULL,
    reaction  VARCHAR(64)  NOT NULL,
    done_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_event_reactions PRIMARY KEY (event_id, reaction)
);
