-- When a mark was first made, and the source commit time of the earliest change that made it
-- since it was last built: the builder's backlog age, and commit→view latency measured at the view.
ALTER TABLE projection_dirty ADD COLUMN marked_at timestamptz NOT NULL DEFAULT now();
--> statement-breakpoint
ALTER TABLE projection_dirty ADD COLUMN source_ts_ms bigint;
