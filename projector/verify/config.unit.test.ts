import { loadVerifyConfig } from './config';
import { ConfigError } from '../../infra/settings/configError';

const env = {
  VERIFIER_WRITE_DATABASE_URL: 'postgres://im:secret@127.0.0.1:55432/im_write',
  VERIFIER_READ_DATABASE_URL: 'postgresql://im:secret@127.0.0.1:55432/im_read',
};

const problemsOf = (argv: string[], environment: Record<string, string | undefined>): readonly string[] => {
  try {
    loadVerifyConfig(argv, environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a usage error');
};

describe('loadVerifyConfig', () => {
  it('checks every view of every owner by default', () => {
    const config = loadVerifyConfig([], env);
    expect(config).toEqual({
      writeDatabaseUrl: env.VERIFIER_WRITE_DATABASE_URL,
      readDatabaseUrl: env.VERIFIER_READ_DATABASE_URL,
      views: ['user_conversation_view', 'user_contact_view', 'conversation_reverse_index', 'contact_reverse_index'],
      maxDifferences: 20,
      fetchSize: 2000,
      output: 'text',
      logLevel: 'info',
      help: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads owners exactly (past 2^53, canonical, deduplicated), views in contract order, and limits', () => {
    const config = loadVerifyConfig(
      [
        '--users',
        '9007199254740993,007',
        '--users',
        '7',
        '--views',
        'contact_reverse_index,user_conversation_view',
        '--max-differences',
        '0',
        '--json',
      ],
      env,
    );
    expect(config.owners).toEqual(['9007199254740993', '7']);
    expect(config.views).toEqual(['user_conversation_view', 'contact_reverse_index']);
    expect(config.maxDifferences).toBe(0);
    expect(config.output).toBe('json');
  });

  it('lists every problem at once, naming the variable or option, without echoing a password', () => {
    const problems = problemsOf(['--users', '1,x,99999999999999999999', '--views', 'messages', '--fetch-size', '0'], {
      VERIFIER_READ_DATABASE_URL: 'mysql://im:secret@host/im_read',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^VERIFIER_WRITE_DATABASE_URL is required/),
      expect.stringMatching(/^VERIFIER_READ_DATABASE_URL uses mysql:\/\//),
      expect.stringMatching(/^--views: unknown view\(s\) messages/),
      '--users: x, 99999999999999999999 is not a 64-bit integer id',
      expect.stringMatching(/^--fetch-size 0 must be an integer/),
      expect.stringMatching(/^LOG_LEVEL=loud/),
    ]);
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('rejects a URL without a database and a value that is no URL', () => {
    expect(
      problemsOf([], { ...env, VERIFIER_WRITE_DATABASE_URL: 'postgres://im:im@host:5432', VERIFIER_READ_DATABASE_URL: 'im_read' }),
    ).toEqual([
      expect.stringMatching(/^VERIFIER_WRITE_DATABASE_URL names no database/),
      expect.stringMatching(/^VERIFIER_READ_DATABASE_URL is not a URL/),
    ]);
  });

  it('rejects unknown options and stray arguments', () => {
    expect(() => loadVerifyConfig(['--user', '1'], env)).toThrow(ConfigError);
    expect(() => loadVerifyConfig(['now'], env)).toThrow(ConfigError);
  });

  it('answers --help even without the environment', () => {
    expect(loadVerifyConfig(['--help'], {}).help).toBe(true);
  });
});
