import { ConfigError } from '../settings/configError';
import { loadMigrationsConfig } from './jobsConfig';

const url = (user: string, password: string, database: string) => `postgres://${user}:${password}@db:5432/${database}`;
const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadMigrationsConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadMigrationsConfig', () => {
  const migrator = {
    MIGRATOR_WRITE_DATABASE_URL: url('im_migrator', 'pw1', 'im_write'),
    MIGRATOR_READ_DATABASE_URL: url('im_migrator', 'pw1', 'im_read'),
  };

  it('given the migrator URLs alone, then it migrates without making roles', () => {
    expect(loadMigrationsConfig(migrator)).toMatchObject({ roles: null, readPartitions: 16 });
  });

  it('given migrator URLs of two roles, then it refuses them', () => {
    expect(problemsOf({ ...migrator, MIGRATOR_READ_DATABASE_URL: url('im_projector', 'pw2', 'im_read') })).toEqual([
      'MIGRATOR_WRITE_DATABASE_URL and MIGRATOR_READ_DATABASE_URL must name the same role with the same password',
    ]);
  });

  it('given ADMIN_DATABASE_URL and every role URL, then each role gets the password of its URL', () => {
    const config = loadMigrationsConfig({
      ...migrator,
      ADMIN_DATABASE_URL: url('postgres', 'root', 'postgres'),
      WRITER_DATABASE_URL: url('im_writer', 'w%3Aw', 'im_write'),
      CDC_DATABASE_URL: url('im_cdc', 'c', 'im_write'),
      PROJECTOR_DATABASE_URL: url('im_projector', 'p', 'im_read'),
      READER_DATABASE_URL: url('im_reader', 'r', 'im_read'),
      VERIFIER_WRITE_DATABASE_URL: url('im_verifier', 'v', 'im_write'),
      MONITOR_DATABASE_URL: url('im_monitor', 'm', 'im_write'),
    });
    expect(config.roles?.passwords).toEqual({
      migrator: 'pw1',
      writer: 'w:w',
      cdc: 'c',
      projector: 'p',
      reader: 'r',
      verifier: 'v',
      monitor: 'm',
    });
  });

  it("given REGISTRY_DATABASE_URL, then the schema registry's database and password come from it, and it needs ADMIN_DATABASE_URL and its own role", () => {
    const roles = {
      ADMIN_DATABASE_URL: url('postgres', 'root', 'postgres'),
      WRITER_DATABASE_URL: url('im_writer', 'w', 'im_write'),
      CDC_DATABASE_URL: url('im_cdc', 'c', 'im_write'),
      PROJECTOR_DATABASE_URL: url('im_projector', 'p', 'im_read'),
      READER_DATABASE_URL: url('im_reader', 'r', 'im_read'),
      VERIFIER_WRITE_DATABASE_URL: url('im_verifier', 'v', 'im_write'),
      MONITOR_DATABASE_URL: url('im_monitor', 'm', 'im_write'),
    };
    expect(
      loadMigrationsConfig({ ...migrator, ...roles, REGISTRY_DATABASE_URL: url('im_registry', 's%40', 'im_registry') }).roles?.registry,
    ).toEqual({
      database: 'im_registry',
      password: 's@',
    });
    expect(loadMigrationsConfig({ ...migrator, ...roles }).roles?.registry).toBeNull();
    expect(problemsOf({ ...migrator, REGISTRY_DATABASE_URL: url('im_registry', 's', 'im_registry') })).toEqual([
      "REGISTRY_DATABASE_URL needs ADMIN_DATABASE_URL (the job makes the registry's role and database as that superuser)",
    ]);
    expect(problemsOf({ ...migrator, ...roles, REGISTRY_DATABASE_URL: url('im_writer', 's', 'im_registry') })).toEqual([
      'REGISTRY_DATABASE_URL must name the role im_registry',
    ]);
  });

  it('given a URL that does not parse, then the problem names the setting and not the URL', () => {
    const problems = problemsOf({ ...migrator, MIGRATOR_WRITE_DATABASE_URL: 'postgres://im_migrator:secret-pw@[bad' });
    expect(problems).toEqual(['MIGRATOR_WRITE_DATABASE_URL must be a postgres:// or postgresql:// URL']);
    expect(problems.join('').includes('secret-pw')).toBe(false);
  });
});
