-- The view builder's work, split by owner (projector/projection/builderShard.ts). A mark of one
-- owner's rows (conversation 1, contact 4, unread recount 6) belongs to that owner's shard; the
-- builder of a shard is whichever member holds its lock. Marks that fan out (channel 2, user 3,
-- recount 5) are shard -1: they are expanded into owner marks, reading only ref_ tables.
ALTER TABLE projection_dirty ADD COLUMN shard smallint NOT NULL GENERATED ALWAYS AS (
  CASE WHEN kind IN (1, 4, 6) THEN ((hashint8(a) & 2147483647) % 16)::smallint ELSE (-1)::smallint END
) STORED;
--> statement-breakpoint
CREATE INDEX projection_dirty_shard_seq_idx ON projection_dirty (shard, seq);
--> statement-breakpoint
-- Expanding a profile change: the user's direct channels (their other member shows the profile).
CREATE INDEX ref_channel_members_user_idx ON ref_channel_members (user_id);
--> statement-breakpoint
-- Expanding a profile change: whose contact rows show the user.
CREATE INDEX ref_friendships_friend_idx ON ref_friendships (friend_id);
