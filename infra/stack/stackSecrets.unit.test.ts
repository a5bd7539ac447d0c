import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PIPELINE_ROLE_KEYS } from '../db/pipelineRoles';
import { loadStackSecrets, stackSecretsFile } from './stackSecrets';

describe('loadStackSecrets', () => {
  const made: string[] = [];
  const fresh = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-secrets-'));
    made.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('given a new stack, then it makes every secret once, in a file only its owner reads, and gives the same ones again', () => {
    const dir = fresh();
    const first = loadStackSecrets(dir);
    expect(Object.keys(first.roles).sort()).toEqual([...PIPELINE_ROLE_KEYS].sort());
    expect([first.superuser, first.registry, first.jwtSecret, ...Object.values(first.roles)].every((s) => s.length >= 32)).toBe(true);
    expect(fs.statSync(stackSecretsFile(dir)).mode & 0o777).toBe(0o600);
    expect(loadStackSecrets(dir)).toEqual(first);
  });

  it('given a file of an earlier release that lacks some secrets, then it keeps those it has and adds the others', () => {
    const dir = fresh();
    fs.writeFileSync(stackSecretsFile(dir), JSON.stringify({ superuser: 's'.repeat(48), roles: {}, jwtSecret: 'j'.repeat(64) }), {
      mode: 0o600,
    });
    const upgraded = loadStackSecrets(dir);
    expect(upgraded.superuser).toBe('s'.repeat(48));
    expect(upgraded.jwtSecret).toBe('j'.repeat(64));
    expect(upgraded.registry).toMatch(/^[0-9a-f]{48}$/);
    expect(Object.keys(upgraded.roles).sort()).toEqual([...PIPELINE_ROLE_KEYS].sort());
  });

  it('given the signing key file of a release before secrets.json, then tokens it signed stay valid: the key is kept', () => {
    const dir = fresh();
    fs.writeFileSync(path.join(dir, 'jwt-secret'), `${'k'.repeat(64)}\n`);
    expect(loadStackSecrets(dir).jwtSecret).toBe('k'.repeat(64));
  });
});
