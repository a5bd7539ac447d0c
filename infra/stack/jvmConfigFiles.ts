import fs from 'node:fs';

/** Writes a Java .properties file from `key=value` lines. */
export function writeProperties(file: string, lines: readonly string[]): void {
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * A log4j 1.x configuration (Kafka 3.9 logs through reload4j) that writes to stdout, which the
 * stack sends to the component's log file; `levels` quiets the chattier loggers.
 */
export function writeLog4jConsoleConfig(file: string, pattern: string, levels: Readonly<Record<string, string>>): void {
  writeProperties(file, [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.stdout.layout.ConversionPattern=${pattern}`,
    ...Object.entries(levels).map(([logger, level]) => `log4j.logger.${logger}=${level}`),
  ]);
}
