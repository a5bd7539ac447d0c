import { optional } from '../../infra/settings/setting';
import { name, text } from '../../infra/settings/settingKinds';
import { readSettings } from '../../infra/settings/settingsReader';
import { fromEnvironment, type Environment } from '../../infra/settings/settingSources';

/**
 * The benchmarks' own settings, read once from the environment: nothing else in test/bench
 * reads process.env. The stack's settings come from infra/stack/config.ts as usual.
 */
export interface BenchConfig {
  /** drainTopics: the pipeline's topics to drain, <prefix>.public.<table>. */
  readonly topicPrefix: string;
  /** drainTopics: the projector's tuning to profile with, as its own variables (loadProjectorConfig checks them). */
  readonly projectorTuning: Readonly<Record<string, string>>;
  /** The environment a benchmark's child process (the workload) inherits. */
  readonly inheritedEnv: Environment;
}

const SETTINGS = {
  TOPIC_PREFIX: name({ default: 'im' }),
  PROJECTOR_CONCURRENCY: optional(text()),
  PROJECTOR_MARKS_PER_BUILD: optional(text()),
};

export function loadBenchConfig(env: Environment = process.env): BenchConfig {
  const { TOPIC_PREFIX, ...tuning } = readSettings(fromEnvironment(env), SETTINGS, 'benchmark settings');
  const projectorTuning = Object.fromEntries(Object.entries(tuning).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return Object.freeze({
    topicPrefix: TOPIC_PREFIX,
    projectorTuning: Object.freeze(projectorTuning),
    inheritedEnv: Object.freeze({ ...env }),
  });
}
