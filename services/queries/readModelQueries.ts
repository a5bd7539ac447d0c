import type { Pool } from 'pg';
import { contactQueries } from './contactQueries';
import { conversationQueries } from './conversationQueries';

/** Everything the query API reads, all from im_read through one (read-only) pool. */
export function readModelQueries({ pool }: { pool: Pool }) {
  return { conversations: conversationQueries({ pool }), contacts: contactQueries({ pool }) };
}

export type ReadModelQueries = ReturnType<typeof readModelQueries>;
