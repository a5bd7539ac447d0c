import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findSecretsInLogs } from './secretsInLogs';

describe('findSecretsInLogs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-in-logs-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('given logs with a password and a token in them, then it names each sighting by file, line and secret name, not value', () => {
    fs.mkdirSync(path.join(dir, 'apps'));
    fs.writeFileSync(path.join(dir, 'connect.log'), 'started\nconfig={database.password=hunter2-hunter2}\nok\n');
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    fs.writeFileSync(path.join(dir, 'apps', 'services.log'), `{"msg":"request","auth":"Bearer ${token}"}\n`);
    const sightings = findSecretsInLogs([dir], { 'the CDC role password': 'hunter2-hunter2', 'the JWT key': 'never-written-key' });
    expect(sightings).toEqual([
      { file: path.join(dir, 'apps', 'services.log'), line: 1, secret: 'a bearer token (JWT)' },
      { file: path.join(dir, 'connect.log'), line: 2, secret: 'the CDC role password' },
    ]);
    expect(JSON.stringify(sightings).includes('hunter2')).toBe(false);
  });

  it('given clean logs and a folder that does not exist, then it finds nothing', () => {
    const clean = fs.mkdtempSync(path.join(os.tmpdir(), 'clean-logs-'));
    fs.writeFileSync(path.join(clean, 'postgres.log'), 'FATAL: password authentication failed for user "im_cdc"\n');
    expect(findSecretsInLogs([clean, path.join(clean, 'missing')], { password: 'hunter2-hunter2' })).toEqual([]);
    fs.rmSync(clean, { recursive: true, force: true });
  });
});
