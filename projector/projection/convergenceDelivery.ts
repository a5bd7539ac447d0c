import type { ChangeEvent } from '../decode/changeEvent';
import type { Emitted } from './convergenceSource';

/**
 * Test support for the convergence property: the delivery. The change events of a history
 * reordered, repeated and batched as Kafka may deliver them, driven by a seeded random source.
 */

/**
 * Splits the events into partitions (several keys share one, order kept per partition) and
 * delivers them in random batches. A partition may rewind and repeat events, during the run
 * (crash before commit, rebalance) and after it (a replay from an earlier offset over live views).
 */
export function deliver(emitted: readonly Emitted[], rand: () => number, onBatch: (events: ChangeEvent[]) => void): void {
  const partitionOf = (stream: string) => {
    const [topic = '', key = ''] = stream.split('/');
    let hash = 0;
    for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return `${topic}/${hash % 2}`;
  };
  const streamed = new Map<string, Emitted[]>();
  for (const e of emitted) {
    const p = partitionOf(e.stream);
    streamed.set(p, [...(streamed.get(p) ?? []), e]);
  }
  // A snapshot reads a table in heap order, not seq order: sometimes a messages partition is
  // delivered shuffled, as a snapshot delivers it, with whole rows.
  const partitions = new Map<string, ChangeEvent[]>();
  for (const [p, list] of streamed) {
    const snapshot = p.startsWith('messages/') && rand() < 0.3;
    const events = list.map((e) => (snapshot ? e.whole : e.event));
    partitions.set(p, events);
    if (!snapshot) continue;
    for (let i = events.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rand() * (i + 1));
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
  }
  const cursors = new Map<string, number>([...partitions.keys()].map((p) => [p, 0]));
  for (;;) {
    const open = [...partitions.keys()].filter((p) => cursors.get(p)! < partitions.get(p)!.length);
    if (open.length === 0) break;
    const partition = open[Math.floor(rand() * open.length)]!;
    const events = partitions.get(partition)!;
    let at = cursors.get(partition)!;
    if (at > 0 && rand() < 0.15) at = Math.floor(rand() * at);
    const size = 1 + Math.floor(rand() * 4);
    onBatch(events.slice(at, at + size));
    cursors.set(partition, Math.max(cursors.get(partition)!, at + size));
  }
  for (const events of partitions.values()) {
    if (rand() < 0.5) continue;
    for (let at = Math.floor(rand() * events.length); at < events.length; at += 3) onBatch(events.slice(at, at + 3));
  }
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
