-- Running totals of each member's history (issue "till path"): what a sale reads about a member's past
-- — the purchase count, the first purchase, the spend and points that count towards tiers — kept in the
-- same transaction as every sale and return, so that reading them costs the same after five purchases
-- as after five years of them. Per calendar month of the programme's time zone as well, for rolling
-- tier windows and the grace months. Filled from the purchases by the next migration.
CREATE TABLE member_totals (
    member_id          BIGINT        NOT NULL PRIMARY KEY,
    purchases          BIGINT        NOT NULL,
    spend              DECIMAL(16,2) NOT NULL,
    points             BIGINT        NOT NULL,
    first_purchase_at  TIMESTAMP WITH TIME ZONE,
    last_purchase_at   TIMESTAMP WITH TIME ZONE
);

CREATE TABLE member_months (
    member_id  BIGINT        NOT NULL,
    month_start DATE         NOT NULL,
    spend      DECIMAL(16,2) NOT NULL,
    points     BIGINT        NOT NULL,
    CONSTRAINT pk_member_months PRIMARY KEY (member_id, month_start)
);

-- The time zone the months were cut in: the totals are rebuilt when the programme's zone changes.
CREATE TABLE member_totals_zone (
    id    INT          NOT NULL PRIMARY KEY,
    zone  VARCHAR(64)  NOT NULL
);
