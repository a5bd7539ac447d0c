import fc from 'fast-check';
import { createSourceDatabase, k, type Emitted, type Source } from './convergenceSource';

/**
 * Test support for the convergence property (CONTRACT.md: whatever order, duplication and
 * interleaving the change events arrive in, the views end equal to their definition over the
 * final source rows). Random write-side histories that keep the contract's writer rules, run
 * against the source database of convergenceSource.ts for the change events they emit; the
 * delivery that reorders, repeats and batches them as Kafka may is convergenceDelivery.ts, and
 * the oracle, the contract's definition computed straight from the final source rows, is
 * convergenceOracle.ts.
 *
 * Two tests run these histories: convergence.unit.test.ts through the projection's pure rules
 * over an in-memory copy of the ref_ tables, and store/convergence.sql.test.ts through the real
 * SQL (applyRefChanges, the view builder) against an in-process PostgreSQL.
 */

const ts = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
const USERS = 5;
const CHANNELS = 4;

const command = fc.record({
  kind: fc.constantFrom(
    'user',
    'rename',
    'direct',
    'group',
    'join',
    'leave',
    'member',
    'channelInfo',
    'send',
    'recall',
    'read',
    'friend',
    'remark',
    'unfriend',
  ),
  a: fc.integer({ min: 1, max: USERS }),
  b: fc.integer({ min: 1, max: USERS }),
  c: fc.integer({ min: 1, max: CHANNELS }),
  n: fc.integer({ min: 0, max: 30 }),
});
/** A history: the commands a writer runs, in commit order (most find nothing to act on). */
export const commandHistory = fc.array(command, { minLength: 20, maxLength: 200, size: 'max' });
export type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

export function runHistory(
  commands: readonly Command[],
  { unchangedTextUnavailable = false } = {},
): { source: Source; emitted: Emitted[] } {
  const db = createSourceDatabase({ unchangedTextUnavailable });
  const { source: s, emitUser, emitChannel, emitMember, emitMessage, emitRead, emitFriendship, maxSeq, join } = db;
  let clock = 0;

  // Every user exists from the start, so most commands find what they act on.
  const setup: Command[] = Array.from({ length: USERS }, (_, i) => ({ kind: 'user', a: i + 1, b: 1, c: 1, n: 0 }));
  for (const cmd of [...setup, ...commands]) {
    clock += 1;
    const a = BigInt(cmd.a);
    const b = BigInt(cmd.b);
    const c = BigInt(100 + cmd.c);
    const user = s.users.get(a);
    const channel = s.channels.get(c);
    const member = s.members.get(k(c, a));
    switch (cmd.kind) {
      case 'user':
        if (user === undefined) {
          s.users.set(a, { nickname: `u${a}`, avatar: '', profileVer: 1 });
          emitUser(a);
        }
        break;
      case 'rename':
        if (user !== undefined) {
          s.users.set(a, { nickname: `u${a}-${cmd.n}`, avatar: `av${cmd.n}`, profileVer: user.profileVer + 1 });
          emitUser(a);
        }
        break;
      case 'direct':
        if (channel === undefined && a !== b && s.users.has(a) && s.users.has(b)) {
          s.channels.set(c, { type: 1, name: '', avatar: '', ver: 1, dissolvedAt: null });
          emitChannel(c);
          join(c, a);
          join(c, b);
        }
        break;
      case 'group':
        if (channel === undefined && s.users.has(a)) {
          s.channels.set(c, { type: 2, name: `g${c}`, avatar: '', ver: 1, dissolvedAt: null });
          emitChannel(c);
          join(c, a);
        }
        break;
      case 'join':
        if (channel?.type === 2 && channel.dissolvedAt === null && s.users.has(a)) {
          if (member === undefined) join(c, a);
          else if (member.leftAt !== null) {
            s.members.set(k(c, a), { ...member, leftAt: null, ver: member.ver + 1 });
            emitMember(c, a);
          }
        }
        break;
      case 'leave':
        if (channel?.type === 2 && member !== undefined && member.leftAt === null) {
          s.members.set(k(c, a), { ...member, leftAt: ts(clock), ver: member.ver + 1 });
          emitMember(c, a);
        }
        break;
      case 'member':
        if (member !== undefined) {
          s.members.set(k(c, a), {
            ...member,
            pinned: cmd.n % 2 === 0,
            muted: cmd.n % 3 === 0,
            hidden: cmd.n % 5 === 0,
            ver: member.ver + 1,
          });
          emitMember(c, a);
        }
        break;
      case 'channelInfo':
        if (channel?.type === 2 && channel.dissolvedAt === null) {
          const dissolve = cmd.n % 4 === 0;
          s.channels.set(c, {
            ...channel,
            name: `g${c}-${cmd.n}`,
            avatar: `ca${cmd.n}`,
            ver: channel.ver + 1,
            dissolvedAt: dissolve ? ts(clock) : null,
          });
          emitChannel(c);
        }
        break;
      case 'send':
        if (member !== undefined && member.leftAt === null && channel?.dissolvedAt === null) {
          const seq = maxSeq(c) + 1n;
          s.messages.set(k(c, seq), {
            id: c * 1000n + seq,
            channelId: c,
            seq,
            senderId: a,
            msgType: 1 + (cmd.n % 3),
            content: `m${seq}`,
            createdAt: ts(clock),
            recalledAt: null,
          });
          emitMessage(c, seq);
        }
        break;
      case 'recall': {
        const seq = BigInt(1 + (cmd.n % Math.max(1, Number(maxSeq(c)))));
        const m = s.messages.get(k(c, seq));
        if (m !== undefined && m.recalledAt === null && m.senderId === a) {
          s.messages.set(k(c, seq), { ...m, recalledAt: ts(clock) });
          emitMessage(c, seq);
        }
        break;
      }
      case 'read': {
        const r = s.reads.get(k(a, c));
        const to = BigInt(cmd.n) < maxSeq(c) ? BigInt(cmd.n) : maxSeq(c);
        if (member !== undefined && r !== undefined && to > r.seq) {
          s.reads.set(k(a, c), { ...r, seq: to });
          emitRead(a, c);
        }
        break;
      }
      case 'friend':
        if (a !== b && s.users.has(a) && s.users.has(b) && !s.friendships.has(k(a, b))) {
          s.friendships.set(k(a, b), { userId: a, friendId: b, remark: '', ver: 1, createdAt: ts(clock) });
          s.friendships.set(k(b, a), { userId: b, friendId: a, remark: '', ver: 1, createdAt: ts(clock) });
          emitFriendship(a, b);
          emitFriendship(b, a);
        }
        break;
      case 'remark': {
        const f = s.friendships.get(k(a, b));
        if (f !== undefined) {
          s.friendships.set(k(a, b), { ...f, remark: cmd.n % 3 === 0 ? '' : `r${cmd.n}`, ver: f.ver + 1 });
          emitFriendship(a, b);
        }
        break;
      }
      case 'unfriend':
        if (s.friendships.has(k(a, b))) {
          s.friendships.delete(k(a, b));
          s.friendships.delete(k(b, a));
          emitFriendship(a, b);
          emitFriendship(b, a);
        }
        break;
    }
  }
  return { source: s, emitted: db.emitted };
}
