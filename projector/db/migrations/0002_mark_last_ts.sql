-- The source commit time of the latest change that marked a key: when the builder keeps a mark
-- that was marked again during its pass, the changes still to show start after what it built.
ALTER TABLE projection_dirty ADD COLUMN last_ts_ms bigint;
