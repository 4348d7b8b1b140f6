-- The roll-ups' safe horizon: the highest id each stream had when last looked at, and when. Rows up
-- to an id seen a minute ago or more were all committed (or rolled back) by now, whatever their own
-- timestamps say, so the watermark never passes a row still being written.
ALTER TABLE rollup_state ADD COLUMN seen_max BIGINT;
ALTER TABLE rollup_state ADD COLUMN seen_at TIMESTAMP WITH TIME ZONE;
