/**
 * The contract's write tables (CONTRACT.md, im_write): the only tables the write services touch,
 * the ones their role may change, and (with Debezium's two) the ones the connector publishes.
 */
export const WRITE_TABLES = [
  'users',
  'channels',
  'channel_members',
  'messages',
  'channel_read_records',
  'friendships',
  'channel_applications',
] as const;
