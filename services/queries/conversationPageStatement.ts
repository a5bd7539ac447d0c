import { userConversationView } from '../../projector/views/userConversationView';
import { contractColumnList } from '../../projector/views/viewDefinition';
import type { ConversationPosition } from './pageCursor';

/** The contract's list order; user_conversation_view_list_idx holds exactly this order per user. */
const LIST_ORDER = 'is_pinned desc, last_message_time desc nulls last, channel_id desc';
/** The contract's list filter, also the list index's predicate, so the planner can use it. */
const LISTED = 'user_id = $1::bigint and closed_at is null and not is_hidden';

export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * One page of a user's conversation list: at most `rows` rows after `after` (null: from the top).
 *
 * In the list order a user's rows fall into four runs, one after another:
 *   pinned with a time, pinned without, unpinned with a time, unpinned without
 * (times descending, nulls last, each run by channel_id descending). The rows after a position
 * are the rest of its own run, then every later run. A single row comparison cannot say that,
 * because `(time, channel_id) < (t, c)` is unknown, not true, for a null time; and an OR of the
 * cases would be a filter over the index instead of a range in it. So each piece is its own
 * branch whose condition is a range of the list index (equality on user_id and is_pinned, then
 * a row comparison, IS NULL or nothing), each read in index order with LIMIT, joined by UNION
 * ALL under the same ORDER BY: the planner merges the ordered branches (Merge Append) and stops
 * after `rows`. One statement, so the page comes from one snapshot.
 *
 *   position in run             branches after it
 *   pinned, time t, channel c   pinned (time, channel) < (t, c) | pinned, null time | unpinned
 *   pinned, null, c             pinned, null time, channel < c  | unpinned
 *   unpinned, t, c              unpinned (time, channel) < (t, c) | unpinned, null time
 *   unpinned, null, c           unpinned, null time, channel < c
 */
export function conversationPageStatement(ownerId: string, after: ConversationPosition | null, rows: number): Statement {
  const select = (condition: string) =>
    `select ${contractColumnList(userConversationView)} from ${userConversationView.table} where ${LISTED}${condition} order by ${LIST_ORDER} limit $2`;
  if (after === null) return { text: select(''), values: [ownerId, rows] };

  // $3: the position's is_pinned, $4: its channel_id, $5: its time (when it has one).
  const values: unknown[] = [ownerId, rows, after.isPinned, after.channelId];
  const branches: string[] = [];
  if (after.lastMessageTime !== null) {
    values.push(after.lastMessageTime);
    branches.push(' and is_pinned = $3 and (last_message_time, channel_id) < ($5::timestamptz, $4::bigint)');
    branches.push(' and is_pinned = $3 and last_message_time is null');
  } else {
    branches.push(' and is_pinned = $3 and last_message_time is null and channel_id < $4::bigint');
  }
  if (after.isPinned) branches.push(' and is_pinned = false');

  const [only] = branches;
  if (branches.length === 1 && only !== undefined) return { text: select(only), values };
  const text = `${branches.map((condition) => `(${select(condition)})`).join(' union all ')} order by ${LIST_ORDER} limit $2`;
  return { text, values };
}
