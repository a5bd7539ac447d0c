import { PipelineError } from '../errors/pipelineError';
import { ConfigError } from './configError';
import { optional } from './setting';
import { choiceList, flag, hostPortList, integer, logLevel, name, postgresUrl, secret } from './settingKinds';
import { createSettingsReader, readSettings } from './settingsReader';
import { fromCommandLine, fromEnvironment } from './settingSources';

const SCHEMA = {
  DATABASE_URL: postgresUrl({ database: 'im_read' }),
  BROKERS: hostPortList(),
  PORT: integer({ default: 8080, min: 0, max: 65535 }),
  GROUP: name({ default: 'im' }),
  LOG_LEVEL: logLevel(),
  KEY: optional(secret({ minLength: 8, purpose: 'signing key' })),
};

const problemsOf = (read: () => unknown): readonly string[] => {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('readSettings', () => {
  it('given nothing but the required settings, then every other one takes its default', () => {
    const settings = readSettings(fromEnvironment({ DATABASE_URL: 'postgres://h/im_read', BROKERS: 'a:1, b:2' }), SCHEMA);
    expect(settings).toEqual({
      DATABASE_URL: 'postgres://h/im_read',
      BROKERS: ['a:1', 'b:2'],
      PORT: 8080,
      GROUP: 'im',
      LOG_LEVEL: 'info',
      KEY: undefined,
    });
  });

  it('given several bad settings, then one ConfigError lists each, by name and in schema order', () => {
    const env = { DATABASE_URL: 'mysql://u:pw@h/db', PORT: '1e3', GROUP: 'a b', LOG_LEVEL: 'loud', KEY: 'short-pw' };
    expect(problemsOf(() => readSettings(fromEnvironment(env), SCHEMA, 'test settings'))).toEqual([
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      'BROKERS is required',
      'PORT=1e3 must be an integer from 0 to 65535',
      "GROUP=a b may hold only letters, digits, '.', '_' and '-'",
      'LOG_LEVEL=loud must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('never echoes a URL or a secret, which may hold a password', () => {
    const problems = problemsOf(() =>
      readSettings(fromEnvironment({ DATABASE_URL: 'mysql://u:pw@h/db', BROKERS: 'a:1', KEY: 'pw' }), SCHEMA),
    );
    expect(problems).toEqual([
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      'KEY must be at least 8 characters (signing key)',
    ]);
  });

  it('reads a blank or padded variable as unset or trimmed', () => {
    const settings = readSettings(fromEnvironment({ DATABASE_URL: ' postgres://h/im_read ', BROKERS: 'a:1', PORT: '  ' }), SCHEMA);
    expect(settings.DATABASE_URL).toBe('postgres://h/im_read');
    expect(settings.PORT).toBe(8080);
  });

  it('names command-line options as they are typed, and reads flags and repeated options', () => {
    const source = fromCommandLine({ 'fetch-size': '0', json: true, views: ['a', 'b'] });
    const schema = {
      'fetch-size': integer({ default: 10, min: 1, max: 9 }),
      json: flag(),
      help: flag(),
      views: choiceList(['a', 'b', 'c']),
    };
    const reader = createSettingsReader();
    expect(reader.read(source, schema)).toEqual({ 'fetch-size': 10, json: true, help: false, views: ['a', 'b'] });
    expect(reader.problems).toEqual(['--fetch-size 0 must be an integer from 1 to 9']);
  });

  it('adds problems of settings that contradict each other, and throws a non-retriable error', () => {
    const reader = createSettingsReader('stack settings');
    reader.read(fromEnvironment({ A: '1', B: '1' }), { A: integer({ min: 1, max: 9 }), B: integer({ min: 1, max: 9 }) });
    reader.problem('ports must differ: 1, 1');
    let thrown: unknown;
    try {
      reader.check();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PipelineError);
    expect(thrown).toMatchObject({ retriable: false, message: 'invalid stack settings:\n  - ports must differ: 1, 1' });
  });
});
