-- A programme-wide hold-out of new members: a share of those who enrol (chosen by a hash of their id)
-- get no marketing mail at all — no marketing journey, no newsletter, no personal offer — so that the
-- whole programme's communication can be measured against them.
CREATE TABLE marketing_settings (
    name        VARCHAR(40)  NOT NULL PRIMARY KEY,
    int_value   INT          NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by  VARCHAR(100) NOT NULL
);
INSERT INTO marketing_settings (name, int_value, updated_at, updated_by) VALUES ('new_member_holdout_percent', 0, CURRENT_TIMESTAMP, 'system');

CREATE TABLE programme_holdout (
    member_id    BIGINT NOT NULL PRIMARY KEY REFERENCES members (id),
    assigned_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
