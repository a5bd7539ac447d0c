-- The view builder's work, split by owner (projector/projection/builderShard.ts).
-- The ref_ indexes come first: a batch locks ref_ tables before projection_dirty, so taking
-- projection_dirty last keeps this migration from waiting on a batch that waits on it.
--
-- Expanding a profile change: the user's direct channels (their other member shows the profile).
CREATE INDEX ref_channel_members_user_idx ON ref_channel_members (user_id);
--> statement-breakpoint
-- Expanding a profile change: whose contact rows show the user.
CREATE INDEX ref_friendships_friend_idx ON ref_friendships (friend_id);
--> statement-breakpoint
-- Rows a shard's build found for another shard (a direct channel's peer row), appended by the
-- build's REPEATABLE READ transaction: a plain insert that cannot conflict, where an upsert into
-- projection_dirty would fail whenever a batch renewed the same mark after the build's snapshot.
-- The expansion step turns them into owner marks.
CREATE TABLE projection_handover (
  id         bigserial   PRIMARY KEY,
  user_id    bigint      NOT NULL,
  channel_id bigint      NOT NULL,
  marked_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
-- A mark of one owner's rows (conversation 1, contact 4, unread recount 6) belongs to that owner's
-- shard; the builder of a shard is whichever member holds its lock. Marks that fan out (channel 2,
-- user 3, recount 5) are shard -1: they are expanded into owner marks, reading only ref_ tables.
ALTER TABLE projection_dirty ADD COLUMN shard smallint NOT NULL GENERATED ALWAYS AS (
  CASE WHEN kind IN (1, 4, 6) THEN ((hashint8(a) & 2147483647) % 16)::smallint ELSE (-1)::smallint END
) STORED;
--> statement-breakpoint
CREATE INDEX projection_dirty_shard_seq_idx ON projection_dirty (shard, seq);
