-- A sale reads back the tickets it has just issued by (purchase, draw). With an index on the purchase
-- alone, a planner whose statistics lag behind a growing table ANDs it with the draw's index and reads
-- every ticket of the draw (5 ms at 180,000 tickets, on every commit); the composite index answers alone.
CREATE INDEX IF NOT EXISTS ix_draw_tickets_purchase_draw ON draw_tickets (purchase_id, draw_id, id);
DROP INDEX IF EXISTS ix_draw_tickets_purchase;
