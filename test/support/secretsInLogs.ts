import fs from 'node:fs';
import path from 'node:path';

/** Where a secret was found: the file, the line, and the secret's name, never the secret. */
export interface SecretSighting {
  readonly file: string;
  readonly line: number;
  readonly secret: string;
}

/** A signed JWT (three base64url parts, the first two JSON objects): a bearer token, whoever signed it. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;

function* filesUnder(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Every line of every file under `dirs` that holds one of `secrets` (by name) or a bearer token.
 * Read line by line as text; binary files yield nothing that matches.
 */
export function findSecretsInLogs(dirs: readonly string[], secrets: Readonly<Record<string, string>>): SecretSighting[] {
  const named = Object.entries(secrets).filter(([, value]) => value.length >= 8);
  const sightings: SecretSighting[] = [];
  for (const dir of dirs) {
    for (const file of filesUnder(dir)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((text, index) => {
        for (const [name, value] of named) if (text.includes(value)) sightings.push({ file, line: index + 1, secret: name });
        if (JWT.test(text)) sightings.push({ file, line: index + 1, secret: 'a bearer token (JWT)' });
      });
    }
  }
  return sightings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
