import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * The write side, database im_write: the only source of truth (see CONTRACT.md).
 * Names and types are the contract's; ids are given by the writer (no sequences).
 * bigint columns are read as JS bigint so ids above 2^53 survive.
 * users, channels, messages and friendships have REPLICA IDENTITY FULL, set by the custom
 * migration 0001_replica_identity_full.sql (drizzle-kit cannot express it; connectors/README.md says why).
 */

const id = (name: string) => bigint(name, { mode: 'bigint' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: id('id').primaryKey(),
  nickname: text('nickname').notNull(),
  avatar: text('avatar').notNull().default(''),
  profileVer: integer('profile_ver').notNull().default(1),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const channels = pgTable(
  'channels',
  {
    id: id('id').primaryKey(),
    channelType: smallint('channel_type').notNull(),
    channelName: text('channel_name').notNull().default(''),
    channelAvatar: text('channel_avatar').notNull().default(''),
    ownerUserId: id('owner_user_id').references(() => users.id),
    channelInfoVer: integer('channel_info_ver').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    dissolvedAt: timestamp('dissolved_at', { withTimezone: true }),
  },
  (t) => [check('channels_channel_type_check', sql`${t.channelType} in (1, 2)`)],
);

export const channelMembers = pgTable(
  'channel_members',
  {
    channelId: id('channel_id')
      .notNull()
      .references(() => channels.id),
    userId: id('user_id')
      .notNull()
      .references(() => users.id),
    role: smallint('role').notNull().default(0),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    leftAt: timestamp('left_at', { withTimezone: true }),
    isPinned: boolean('is_pinned').notNull().default(false),
    isMuted: boolean('is_muted').notNull().default(false),
    isHidden: boolean('is_hidden').notNull().default(false),
    memberVer: integer('member_ver').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.userId] }), index('channel_members_user_id_idx').on(t.userId)],
);

export const messages = pgTable(
  'messages',
  {
    id: id('id').primaryKey(),
    channelId: id('channel_id')
      .notNull()
      .references(() => channels.id),
    seq: id('seq').notNull(),
    senderId: id('sender_id')
      .notNull()
      .references(() => users.id),
    msgType: smallint('msg_type').notNull().default(1),
    content: text('content').notNull(),
    createdAt: createdAt(),
    recalledAt: timestamp('recalled_at', { withTimezone: true }),
  },
  (t) => [unique('messages_channel_id_seq_key').on(t.channelId, t.seq)],
);

export const channelReadRecords = pgTable(
  'channel_read_records',
  {
    userId: id('user_id')
      .notNull()
      .references(() => users.id),
    channelId: id('channel_id')
      .notNull()
      .references(() => channels.id),
    lastReadSeq: id('last_read_seq')
      .notNull()
      .default(sql`0`),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.channelId] })],
);

export const friendships = pgTable(
  'friendships',
  {
    userId: id('user_id')
      .notNull()
      .references(() => users.id),
    friendId: id('friend_id')
      .notNull()
      .references(() => users.id),
    remarkName: text('remark_name').notNull().default(''),
    friendVer: integer('friend_ver').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.friendId] }),
    index('friendships_friend_id_idx').on(t.friendId),
    check('friendships_not_self_check', sql`${t.userId} <> ${t.friendId}`),
  ],
);

export const channelApplications = pgTable(
  'channel_applications',
  {
    id: id('id').primaryKey(),
    applicantId: id('applicant_id')
      .notNull()
      .references(() => users.id),
    targetType: smallint('target_type').notNull(),
    targetId: id('target_id').notNull(),
    message: text('message').notNull().default(''),
    status: smallint('status').notNull(),
    createdAt: createdAt(),
    handledAt: timestamp('handled_at', { withTimezone: true }),
  },
  (t) => [
    check('channel_applications_target_type_check', sql`${t.targetType} in (1, 2)`),
    check('channel_applications_status_check', sql`${t.status} in (0, 1, 2)`),
    index('channel_applications_target_idx').on(t.targetType, t.targetId, t.status),
  ],
);

/** Debezium's signal table: an INSERT here asks the connector for an incremental snapshot. */
export const debeziumSignal = pgTable('debezium_signal', {
  id: varchar('id', { length: 42 }).primaryKey(),
  type: varchar('type', { length: 32 }).notNull(),
  data: varchar('data', { length: 2048 }),
});

/** Written by the connector's heartbeat.action.query so a quiet write side still advances the slot. */
export const debeziumHeartbeat = pgTable('debezium_heartbeat', {
  id: integer('id').primaryKey(),
  ts: timestamp('ts', { withTimezone: true }).notNull().defaultNow(),
});
