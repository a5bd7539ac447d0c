import { createSeededRandom } from './seededRandom';
import { createTrafficModel, type PlannedCommand } from './trafficModel';

/** Answers like the API would when every command is accepted, with fresh ids and growing seqs. */
function acceptingApi() {
  let nextId = 2n ** 60n;
  const seqs = new Map<string, number>();
  const id = () => String((nextId += 1n));
  return (planned: PlannedCommand): [number, unknown] => {
    switch (planned.command) {
      case 'createUser':
        return [201, { user: { id: id() }, token: `token-${nextId}` }];
      case 'applyFriend':
        return [201, { applicationId: id() }];
      case 'openDirect':
      case 'createGroup':
        return [201, { channelId: id() }];
      case 'sendMessage': {
        const channel = planned.path.split('/')[2]!;
        seqs.set(channel, (seqs.get(channel) ?? 0) + 1);
        return [201, { messageId: id(), seq: String(seqs.get(channel)) }];
      }
      case 'addMember':
        return [201, {}];
      case 'removeMember':
      case 'leaveGroup':
      case 'unfriend':
        return [204, undefined];
      default:
        return [200, {}];
    }
  };
}

const issuedTokens = new Set<string>();

function drive(seed: number, commands: number): PlannedCommand[] {
  const model = createTrafficModel({ random: createSeededRandom(seed), userCount: 50 });
  const api = acceptingApi();
  const sent: PlannedCommand[] = [];
  for (let i = 0; i < commands; i++) {
    const planned = model.next();
    if (planned === undefined) continue;
    sent.push(planned);
    const [status, body] = api(planned);
    if (planned.command === 'createUser') issuedTokens.add((body as { token: string }).token);
    planned.onReply?.(status, body);
  }
  return sent;
}

describe('trafficModel', () => {
  it('signs every user up first, without a token', () => {
    const sent = drive(1, 60);
    expect(sent.slice(0, 50).every((c) => c.command === 'createUser' && c.actor === undefined)).toBe(true);
    expect(sent.slice(50).some((c) => c.command === 'createUser')).toBe(false);
  });

  it('then sends a realistic mix in which messages dominate and every command kind appears', () => {
    const sent = drive(2, 5_000).slice(50);
    const counts = new Map<string, number>();
    for (const c of sent) counts.set(c.command, (counts.get(c.command) ?? 0) + 1);
    for (const kind of [
      'sendMessage',
      'markRead',
      'recallMessage',
      'changeSettings',
      'applyFriend',
      'acceptFriend',
      'rejectFriend',
      'openDirect',
      'setRemark',
      'unfriend',
      'changeProfile',
      'createGroup',
      'renameGroup',
      'changeGroupAvatar',
      'setRole',
      'joinGroup',
      'addMember',
      'removeMember',
      'leaveGroup',
      'dissolveGroup',
    ]) {
      expect({ kind, seen: (counts.get(kind) ?? 0) > 0 }).toEqual({ kind, seen: true });
    }
    expect(counts.get('sendMessage')! / sent.length).toBeGreaterThan(0.3);
  });

  it('acts only as users it created, on paths with real ids', () => {
    issuedTokens.clear();
    const sent = drive(3, 3_000);
    expect(issuedTokens.size).toBe(50);
    for (const c of sent.slice(50)) {
      expect(c.actor !== undefined && issuedTokens.has(c.actor.token)).toBe(true);
      expect(c.path).not.toMatch(/undefined|NaN/);
    }
  });

  it('repeats the same traffic for the same seed', () => {
    const shape = (cs: PlannedCommand[]) => cs.map((c) => `${c.command} ${c.method}`);
    expect(shape(drive(9, 1_000))).toEqual(shape(drive(9, 1_000)));
    expect(shape(drive(9, 1_000))).not.toEqual(shape(drive(10, 1_000)));
  });
});
