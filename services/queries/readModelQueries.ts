import type { Pool } from 'pg';
import { createContactQueries } from './contactQueries';
import { createConversationQueries } from './conversationQueries';

/** Everything the query API reads, all from im_read through one (read-only) pool. */
export function createReadModelQueries({ pool }: { pool: Pool }) {
  return { conversations: createConversationQueries({ pool }), contacts: createContactQueries({ pool }) };
}

export type ReadModelQueries = ReturnType<typeof createReadModelQueries>;
