import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PIPELINE_ROLE_KEYS, type PipelineRole } from '../db/pipelineRoles';

/**
 * The stack's secrets, made once per stack and kept in its state folder (secrets.json, mode 0600):
 * the PostgreSQL superuser's password, one password per pipeline role, the schema registry's, and the services' token
 * signing key. Nothing else writes them, and no log prints them.
 */
export interface StackSecrets {
  readonly superuser: string;
  readonly roles: Readonly<Record<PipelineRole, string>>;
  /** The schema registry's own role, owner of its database. */
  readonly registry: string;
  readonly jwtSecret: string;
}

const FILE = 'secrets.json';
const randomSecret = (bytes: number) => crypto.randomBytes(bytes).toString('hex');

export function stackSecretsFile(stateDir: string): string {
  return path.join(stateDir, FILE);
}

/** Reads the stack's secrets, making them first if this stack has none (or lacks some: a newer release's roles). */
export function loadStackSecrets(stateDir: string): StackSecrets {
  const file = stackSecretsFile(stateDir);
  const stored = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StackSecrets>) : {};
  const complete =
    stored.superuser !== undefined &&
    stored.jwtSecret !== undefined &&
    stored.registry !== undefined &&
    PIPELINE_ROLE_KEYS.every((k) => stored.roles?.[k] !== undefined);
  if (complete) return stored as StackSecrets;
  // A stack made before secrets.json kept its signing key alone; tokens it issued stay valid.
  const legacyJwt = path.join(stateDir, 'jwt-secret');
  const secrets: StackSecrets = {
    superuser: stored.superuser ?? randomSecret(24),
    roles: Object.fromEntries(PIPELINE_ROLE_KEYS.map((k) => [k, stored.roles?.[k] ?? randomSecret(24)])) as Record<PipelineRole, string>,
    registry: stored.registry ?? randomSecret(24),
    jwtSecret: stored.jwtSecret ?? (fs.existsSync(legacyJwt) ? fs.readFileSync(legacyJwt, 'utf8').trim() : randomSecret(32)),
  };
  fs.mkdirSync(stateDir, { recursive: true });
  // Written beside, then linked in only if no other process made the file meanwhile (else its
  // secrets are the stack's): a reader never sees half a file, and two starts agree.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  try {
    if (fs.existsSync(file)) fs.renameSync(temporary, file);
    else fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StackSecrets;
}
