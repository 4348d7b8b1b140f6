-- Member measures of any run of months (active members, repeaters, their receipts) as the cells of a
-- two-dimensional difference table (see MemberRanges): the measure of months [A, B] of a store is the
-- sum of its cells with from_month <= A and to_month <= B. Store 0 holds all stores together. Months
-- are numbered year * 12 + month - 1.
CREATE TABLE rollup_member_ranges (
    store_id    BIGINT  NOT NULL,
    from_month  INT     NOT NULL,
    to_month    INT     NOT NULL,
    active      BIGINT  NOT NULL,
    repeaters   BIGINT  NOT NULL,
    receipts    BIGINT  NOT NULL,
    PRIMARY KEY (store_id, from_month, to_month)
);

-- Retention cohorts: members whose first month (at the store; store 0: anywhere) is first_month and
-- who bought in sale_month.
CREATE TABLE rollup_cohort_cells (
    store_id     BIGINT  NOT NULL,
    first_month  INT     NOT NULL,
    sale_month   INT     NOT NULL,
    members      BIGINT  NOT NULL,
    PRIMARY KEY (store_id, first_month, sale_month)
);

-- last_id 0: the cells are to be worked out from the member-month roll-up before the next catch-up
-- (an existing installation's history); 1: they are kept up with it.
INSERT INTO rollup_state (name, last_id, updated_at) VALUES ('member_ranges', 0, CURRENT_TIMESTAMP);

-- Members enrolled per UTC day and enrolment store (0: none), rolled up from the members table like
-- the purchases; the few merged or erased members are subtracted from the live table through the
-- index on status.
CREATE TABLE rollup_members_daily (
    enrol_day  DATE    NOT NULL,
    store_id   BIGINT  NOT NULL,
    enrolled   BIGINT  NOT NULL,
    PRIMARY KEY (enrol_day, store_id)
);
INSERT INTO rollup_state (name, last_id, updated_at) VALUES ('members', 0, CURRENT_TIMESTAMP);
CREATE INDEX IF NOT EXISTS ix_members_status ON members (status, created_at);
