import { setTimeout as sleep } from 'node:timers/promises';
import { readChainFacts, type ChainSources } from './chainFacts';
import { chainVerdict, formatChain, judgeChain, type ChainLink, type Verdict } from './pipelineChain';

export interface ChainView {
  /** The chain's links, judged now. */
  readonly links: readonly ChainLink[];
  readonly verdict: Verdict;
}

export interface ShowChainOptions {
  readonly sources: ChainSources;
  /** One JSON object per drawing (one line each with --watch) instead of tables. */
  readonly json: boolean;
  /** Redraw every `intervalMs` until `stop` resolves (SIGINT by default). */
  readonly watch: boolean;
  readonly intervalMs?: number;
  /** What the command shows above the chain (text) or beside it (JSON), read afresh at each drawing. */
  readonly extra?: () => Promise<{ readonly text: string; readonly json: Readonly<Record<string, unknown>> }>;
  readonly out?: (text: string) => void;
  readonly stop?: Promise<void>;
}

const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export async function readChain(sources: ChainSources): Promise<ChainView> {
  const links = judgeChain(await readChainFacts(sources));
  return { links, verdict: chainVerdict(links) };
}

/**
 * Draws the chain once, or redraws it until stopped. Returns the exit code: 1 when the last
 * drawing found a link stalled (nothing passes it), else 0.
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
  // Ctrl-C reaches the whole foreground group (npm, tsx, node) and tsx relays it once more: the
  // handler stays on until the process ends, so that the second SIGINT cannot kill it while it
  // closes its connections and exits with the last drawing's code.
  const stopping = stop ?? new Promise<void>((resolve) => process.on('SIGINT', () => resolve()));
  let stopped = false;
  void stopping.then(() => (stopped = true));
  for (;;) {
    const [chain, above] = await Promise.all([readChain(sources), extra?.()]);
    if (json) {
      out(`${JSON.stringify({ at: new Date().toISOString(), verdict: chain.verdict, links: chain.links, ...above?.json })}\n`);
    } else {
      const body = `${above === undefined ? '' : `${above.text}\n\n`}${formatChain(chain.links)}\n\npipeline: ${chain.verdict.toUpperCase()}\n`;
      out(watch ? `${CLEAR_SCREEN}${new Date().toTimeString().slice(0, 8)}  (Ctrl-C to stop)\n\n${body}` : body);
    }
    if (!watch || stopped) return chain.verdict === 'stalled' ? 1 : 0;
    await Promise.race([sleep(intervalMs), stopping]);
    if (stopped) return chain.verdict === 'stalled' ? 1 : 0;
  }
}
