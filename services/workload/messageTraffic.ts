import type { Channel, PlannedCommand, Planner, WorkloadWorld } from './workloadWorld';
import type { SeededRandom } from './seededRandom';

/** Conversation traffic: messages (alone and in bursts), reads, recalls, pin/mute/hide. */

function sendIn(world: WorkloadWorld, random: SeededRandom, c: Channel, sender: number): PlannedCommand {
  return {
    command: 'sendMessage',
    method: 'POST',
    path: `/channels/${c.id}/messages`,
    actor: world.as(sender),
    body: { content: `message ${random.int(1, 1e6)} ${'·'.repeat(random.int(0, 40))}` },
    onReply: (status, body) => {
      if (status !== 201) return;
      c.lastSeq = Math.max(c.lastSeq, Number(body.seq));
      c.recent.push({ messageId: body.messageId, sender });
      if (c.recent.length > 20) c.recent.shift();
    },
  };
}

export const sendMessage: Planner = (world, random) => {
  const c = world.liveChannel();
  const sender = c && world.memberOf(c);
  return c && sender !== undefined ? sendIn(world, random, c, sender) : undefined;
};

/** A lively moment: one conversation gets a run of messages from its members. */
export const burst: Planner = (world, random) => {
  const c = world.liveChannel();
  if (c === undefined) return undefined;
  for (let i = random.int(5, 20); i > 0; i--) {
    world.queued.push(() => {
      const sender = world.memberOf(c);
      return world.isLive(c) && sender !== undefined ? sendIn(world, random, c, sender) : undefined;
    });
  }
  return world.queued.shift()?.();
};

/** Mostly up to the last message; sometimes an older one, which must change nothing. */
export const markRead: Planner = (world, random) => {
  const c = world.liveChannel();
  const reader = c && world.memberOf(c);
  if (c === undefined || reader === undefined || c.lastSeq === 0) return undefined;
  const seq = random.chance(0.8) ? c.lastSeq : random.int(0, c.lastSeq);
  return { command: 'markRead', method: 'PUT', path: `/channels/${c.id}/read`, actor: world.as(reader), body: { seq: String(seq) } };
};

export const recallMessage: Planner = (world, random) => {
  const c = world.liveChannel();
  const message = c && c.recent.length > 0 ? c.recent.splice(random.int(0, c.recent.length - 1), 1)[0] : undefined;
  if (c === undefined || message === undefined || !c.members.has(message.sender)) return undefined;
  return {
    command: 'recallMessage',
    method: 'POST',
    path: `/channels/${c.id}/messages/${message.messageId}/recall`,
    actor: world.as(message.sender),
  };
};

export const changeSettings: Planner = (world, random) => {
  const c = world.liveChannel();
  const u = c && world.memberOf(c);
  if (c === undefined || u === undefined) return undefined;
  const flag = random.pick(['pinned', 'muted', 'hidden'] as const)!;
  return {
    command: 'changeSettings',
    method: 'PATCH',
    path: `/channels/${c.id}/settings`,
    actor: world.as(u),
    body: { [flag]: random.chance(flag === 'hidden' ? 0.3 : 0.6) },
  };
};
