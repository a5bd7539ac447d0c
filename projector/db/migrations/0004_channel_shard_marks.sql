-- A channel's change (mark 2) or recount (5) used to expand into one mark per member: 50 rows
-- for a group of 50, each renewed by every later message. It now expands into one mark per
-- builder shard that holds members of the channel (7, or 8 for a recount; a = the channel,
-- b = the shard), so the mark table's churn is bounded by the shard count, not the group's size.
-- Those marks wait under 16 + b: members of the previous release read shards 0-15 only (and
-- cannot read kinds 7 and 8), so during a rolling upgrade they leave them to this release's.
-- projection_dirty is a queue of work not yet built. PostgreSQL 15 cannot change a generated
-- column's expression in place, so the table is rewritten under an exclusive lock: batches and
-- passes wait for it, a second or more with a backlog of 100,000s of marks. Upgrade when the
-- builder has little waiting (`npm run projector -- lag`).
--
-- The (seq) index has had no reader since 0003 (passes take marks by (shard, seq)); each renewed
-- mark still paid for it.
DROP INDEX projection_dirty_seq_idx;
--> statement-breakpoint
DROP INDEX projection_dirty_shard_seq_idx;
--> statement-breakpoint
ALTER TABLE projection_dirty DROP COLUMN shard;
--> statement-breakpoint
ALTER TABLE projection_dirty ADD COLUMN shard smallint NOT NULL GENERATED ALWAYS AS (
  CASE
    WHEN kind IN (1, 4, 6) THEN ((hashint8(a) & 2147483647) % 16)::smallint
    WHEN kind IN (7, 8) THEN (16 + b)::smallint
    ELSE (-1)::smallint
  END
) STORED;
--> statement-breakpoint
CREATE INDEX projection_dirty_shard_seq_idx ON projection_dirty (shard, seq);
