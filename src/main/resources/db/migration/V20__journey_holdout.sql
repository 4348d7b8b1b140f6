-- A marketing journey may hold out a share of its occurrences (no mail) as a control group, so that the
-- analytics can measure what the journey does (uplift), as newsletters do.
ALTER TABLE journey_settings ADD COLUMN holdout_percent INT DEFAULT 0 NOT NULL;
