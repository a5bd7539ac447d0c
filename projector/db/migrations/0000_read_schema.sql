-- Read side, database im_read, written only by the projector. The four contract tables are
-- hash-partitioned by their owner key; their partitions are created by ensureReadPartitions
-- (the count is the READ_PARTITIONS setting). Everything else is the projector's own state.

CREATE TABLE user_conversation_view (
  user_id                  bigint      NOT NULL,
  channel_id               bigint      NOT NULL,
  conversation_type        smallint    NOT NULL,
  peer_user_id             bigint,
  peer_nickname            text        NOT NULL DEFAULT '',
  peer_avatar              text        NOT NULL DEFAULT '',
  remark_name              text        NOT NULL DEFAULT '',
  conversation_name        text        NOT NULL DEFAULT '',
  conversation_avatar      text        NOT NULL DEFAULT '',
  last_message_id          bigint,
  last_message_seq         bigint      NOT NULL DEFAULT 0,
  last_message_type        smallint,
  last_message_content     text        NOT NULL DEFAULT '',
  last_message_sender_id   bigint,
  last_message_sender_name text        NOT NULL DEFAULT '',
  last_message_time        timestamptz,
  unread_count             integer     NOT NULL DEFAULT 0,
  is_pinned                boolean     NOT NULL DEFAULT false,
  is_muted                 boolean     NOT NULL DEFAULT false,
  is_hidden                boolean     NOT NULL DEFAULT false,
  closed_at                timestamptz,
  -- Source versions the row was built from (for operators; the guards live in the ref_ tables).
  member_ver               integer     NOT NULL DEFAULT 0,
  channel_info_ver         integer     NOT NULL DEFAULT 0,
  peer_profile_ver         integer     NOT NULL DEFAULT 0,
  last_read_seq            bigint      NOT NULL DEFAULT 0,
  projected_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, channel_id)
) PARTITION BY HASH (user_id);
--> statement-breakpoint
-- Serves the conversation list exactly: one user's open, visible rows in the contract's order.
CREATE INDEX user_conversation_view_list_idx ON user_conversation_view
  (user_id, is_pinned DESC, last_message_time DESC NULLS LAST, channel_id DESC)
  WHERE closed_at IS NULL AND NOT is_hidden;
--> statement-breakpoint
CREATE TABLE user_contact_view (
  user_id           bigint      NOT NULL,
  contact_user_id   bigint      NOT NULL,
  remark_name       text        NOT NULL DEFAULT '',
  nickname          text        NOT NULL DEFAULT '',
  avatar            text        NOT NULL DEFAULT '',
  display_name      text        NOT NULL DEFAULT '',
  direct_channel_id bigint,
  friends_since     timestamptz NOT NULL,
  friend_ver        integer     NOT NULL DEFAULT 0,
  contact_profile_ver integer   NOT NULL DEFAULT 0,
  projected_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, contact_user_id)
) PARTITION BY HASH (user_id);
--> statement-breakpoint
CREATE TABLE conversation_reverse_index (
  peer_user_id  bigint NOT NULL,
  owner_user_id bigint NOT NULL,
  channel_id    bigint NOT NULL,
  PRIMARY KEY (peer_user_id, owner_user_id, channel_id)
) PARTITION BY HASH (peer_user_id);
--> statement-breakpoint
CREATE TABLE contact_reverse_index (
  contact_user_id bigint NOT NULL,
  owner_user_id   bigint NOT NULL,
  PRIMARY KEY (contact_user_id, owner_user_id)
) PARTITION BY HASH (contact_user_id);
--> statement-breakpoint

-- Reference copies of the source rows the views are computed from. Each carries the version it
-- came from, (ver, lsn) compared as a tuple, so an older or repeated event never overwrites a
-- newer one, whatever order the topics deliver in.
CREATE TABLE ref_users (
  id          bigint  PRIMARY KEY,
  nickname    text    NOT NULL,
  avatar      text    NOT NULL,
  profile_ver integer NOT NULL,
  lsn         bigint  NOT NULL
);
--> statement-breakpoint
CREATE TABLE ref_channels (
  id               bigint   PRIMARY KEY,
  channel_type     smallint NOT NULL,
  channel_name     text     NOT NULL,
  channel_avatar   text     NOT NULL,
  channel_info_ver integer  NOT NULL,
  dissolved_at     timestamptz,
  lsn              bigint   NOT NULL
);
--> statement-breakpoint
-- Doubles as the channel-to-members index: fan-out of a channel change reads it by channel_id.
CREATE TABLE ref_channel_members (
  channel_id bigint   NOT NULL,
  user_id    bigint   NOT NULL,
  role       smallint NOT NULL,
  left_at    timestamptz,
  is_pinned  boolean  NOT NULL,
  is_muted   boolean  NOT NULL,
  is_hidden  boolean  NOT NULL,
  member_ver integer  NOT NULL,
  lsn        bigint   NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
--> statement-breakpoint
-- One row per message, only what unread counts need; the last message keeps its full content.
CREATE TABLE ref_messages (
  channel_id bigint  NOT NULL,
  seq        bigint  NOT NULL,
  sender_id  bigint  NOT NULL,
  recalled   boolean NOT NULL,
  PRIMARY KEY (channel_id, seq)
);
--> statement-breakpoint
CREATE TABLE ref_last_messages (
  channel_id bigint   PRIMARY KEY,
  id         bigint   NOT NULL,
  seq        bigint   NOT NULL,
  sender_id  bigint   NOT NULL,
  msg_type   smallint NOT NULL,
  content    text     NOT NULL,
  created_at timestamptz NOT NULL,
  recalled   boolean  NOT NULL
);
--> statement-breakpoint
CREATE INDEX ref_last_messages_sender_idx ON ref_last_messages (sender_id);
--> statement-breakpoint
CREATE TABLE ref_read_records (
  user_id       bigint NOT NULL,
  channel_id    bigint NOT NULL,
  last_read_seq bigint NOT NULL,
  lsn           bigint NOT NULL,
  PRIMARY KEY (user_id, channel_id)
);
--> statement-breakpoint
-- A deleted friendship stays as a row with exists_now = false and the delete's LSN, so an older
-- create delivered again cannot bring it back.
CREATE TABLE ref_friendships (
  user_id     bigint  NOT NULL,
  friend_id   bigint  NOT NULL,
  remark_name text    NOT NULL,
  friend_ver  integer NOT NULL,
  created_at  timestamptz,
  exists_now  boolean NOT NULL,
  lsn         bigint  NOT NULL,
  PRIMARY KEY (user_id, friend_id)
);
--> statement-breakpoint

-- View keys whose rows must be recomputed from the ref_ tables. A batch upserts them in the
-- same transaction as its ref_ changes; the view builder deletes a mark only if its seq is still
-- the one it read, so a change committed meanwhile is built again.
CREATE SEQUENCE projection_dirty_seq;
--> statement-breakpoint
CREATE TABLE projection_dirty (
  kind smallint NOT NULL,
  a    bigint   NOT NULL,
  b    bigint   NOT NULL DEFAULT 0,
  seq  bigint   NOT NULL DEFAULT nextval('projection_dirty_seq'),
  PRIMARY KEY (kind, a, b)
);
--> statement-breakpoint
CREATE INDEX projection_dirty_seq_idx ON projection_dirty (seq);
--> statement-breakpoint

-- Next offset to apply per (group, topic, partition), written in the batch's transaction.
-- owner_epoch fences a member that lost the partition: its commit matches no row.
CREATE TABLE projection_checkpoints (
  consumer_group text    NOT NULL,
  topic          text    NOT NULL,
  partition      integer NOT NULL,
  next_offset    bigint  NOT NULL DEFAULT 0,
  owner_epoch    bigint  NOT NULL DEFAULT 0,
  owner_member   text,
  last_source_ts_ms bigint,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, partition)
);
--> statement-breakpoint
CREATE TABLE projection_dead_letters (
  id          bigserial PRIMARY KEY,
  topic       text      NOT NULL,
  partition   integer   NOT NULL,
  "offset"    bigint    NOT NULL,
  -- The record's bytes as they came: a value that is not text (a NUL byte, another format)
  -- must still be kept, or the record could not be dead-lettered at all.
  message_key bytea,
  raw_value   bytea,
  error       text      NOT NULL,
  error_kind  text      NOT NULL,
  consumer_group text   NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz,
  -- Each group records its own: a replay group or a rebuild meets the same poison records.
  UNIQUE (consumer_group, topic, partition, "offset")
);
