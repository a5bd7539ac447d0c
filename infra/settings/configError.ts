import { PipelineError } from '../errors/pipelineError';

/**
 * Settings (environment variables, command-line options) a program cannot start with. Lists
 * every problem at once, each naming its setting; starting again unchanged cannot help.
 */
export class ConfigError extends PipelineError {
  constructor(
    readonly problems: readonly string[],
    /** What was read, for the headline: 'projector settings', 'workload options'. */
    subject = 'settings',
  ) {
    super(`invalid ${subject}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
