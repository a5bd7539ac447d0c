import { setTimeout as sleep } from 'node:timers/promises';
import { readChainFacts, readProgressFacts, type ChainSources } from './chainFacts';
import { chainVerdict, formatChain, judgeChain, needsProgress, type ChainFacts } from './pipelineChain';

/** Exit code when a link is stalled: 1 stays for a command that failed, 2 for bad usage (as `stack status`). */
export const STALLED_EXIT_CODE = 3;

/** How long apart the two looks are that tell a backlog that drains from one that does not move. */
const PROGRESS_WINDOW_MS = 3000;

export interface ShowChainOptions {
  readonly sources: ChainSources;
  /** One JSON object per drawing (one line each with --watch) instead of tables. */
  readonly json: boolean;
  /** Redraw every `intervalMs` until Ctrl-C (or `stop`). */
  readonly watch: boolean;
  readonly intervalMs?: number;
  /** What the command shows above the chain (text) or beside it (JSON), from the same facts. */
  readonly extra?: (facts: ChainFacts) => Promise<{ readonly text: string; readonly json: Readonly<Record<string, unknown>> }>;
  readonly out?: (text: string) => void;
  readonly stop?: Promise<void>;
}

const CLEAR_SCREEN = '\x1b[2J\x1b[H';

interface Sample {
  readonly facts: Pick<ChainFacts, 'projector' | 'builder'>;
  readonly atMs: number;
}

/**
 * Draws the chain once, or redraws it until stopped. Returns the exit code: STALLED_EXIT_CODE
 * when the last drawing found a link stalled (nothing passes it), else 0.
 *
 * A backlog's verdict needs two looks: one drawing alone looks again after PROGRESS_WINDOW_MS
 * when records or old view keys wait; --watch compares with a drawing at least that old.
 */
export async function showChain({
  sources,
  json,
  watch,
  intervalMs = 1000,
  extra,
  out = (text) => process.stdout.write(text),
  stop,
}: ShowChainOptions): Promise<number> {
  let stopped = false;
  let stopping = stop ?? new Promise<void>(() => undefined);
  if (watch && stop === undefined) {
    // Ctrl-C reaches the whole foreground group (npm, tsx, node) and tsx relays it once more: the
    // first one ends the loop after the drawing under way; one more, later, ends the process.
    stopping = new Promise<void>((resolve) =>
      process.on('SIGINT', () => {
        if (stopped) process.exit(130);
        resolve();
      }),
    );
  }
  void stopping.then(() => (stopped = true));
  const looks: Sample[] = [];
  for (;;) {
    let facts = await readChainFacts(sources);
    if (needsProgress(facts)) {
      let earlier = [...looks].reverse().find((l) => Date.now() - l.atMs >= PROGRESS_WINDOW_MS);
      if (earlier === undefined) {
        // No look old enough yet: this one is the earlier look, and the progress facts are read again.
        earlier = { facts, atMs: Date.now() };
        await Promise.race([sleep(PROGRESS_WINDOW_MS), stopping]);
        facts = { ...facts, ...(await readProgressFacts(sources)) };
      }
      facts = {
        ...facts,
        earlier: { projector: earlier.facts.projector, builder: earlier.facts.builder, seconds: (Date.now() - earlier.atMs) / 1000 },
      };
    }
    looks.push({ facts: { projector: facts.projector, builder: facts.builder }, atMs: Date.now() });
    while (looks.length > 0 && Date.now() - looks[0]!.atMs > PROGRESS_WINDOW_MS * 3) looks.shift();

    const links = judgeChain(facts);
    const verdict = chainVerdict(links);
    const above = await extra?.(facts);
    if (json) {
      out(`${JSON.stringify({ at: new Date().toISOString(), verdict, links, ...above?.json })}\n`);
    } else {
      const body = `${above === undefined ? '' : `${above.text}\n\n`}${formatChain(links)}\n\npipeline: ${verdict.toUpperCase()}\n`;
      out(watch ? `${CLEAR_SCREEN}${new Date().toTimeString().slice(0, 8)}  (Ctrl-C to stop)\n\n${body}` : body);
    }
    const code = verdict === 'stalled' ? STALLED_EXIT_CODE : 0;
    if (!watch || stopped) return code;
    await Promise.race([sleep(intervalMs), stopping]);
    if (stopped) return code;
  }
}
