import { sqlState } from '../../infra/db/databaseErrors';
import { ConfigError } from '../../infra/settings/configError';
import { ViewRowsError } from './compareViewRows';
import { VerifyConnectionError } from './verifyErrors';

export interface DatabaseUrls {
  readonly writeDatabaseUrl: string;
  readonly readDatabaseUrl: string;
}

/**
 * What to tell the operator when a run ends without a verdict: which setting or database is
 * at fault, never a password.
 */
export function describeVerifyError(error: unknown, urls: DatabaseUrls): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof VerifyConnectionError) {
    const [variable, url] =
      error.side === 'write'
        ? ['VERIFIER_WRITE_DATABASE_URL', urls.writeDatabaseUrl]
        : ['VERIFIER_READ_DATABASE_URL', urls.readDatabaseUrl];
    return `${error.message} (${variable}=${withoutPassword(url)})`;
  }
  if (error instanceof ViewRowsError) return `cannot compare: ${error.message}`;
  const code = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  // undefined_table / undefined_column: the database is not the one verify was meant for, or unmigrated.
  if (code === '42P01' || code === '42703') {
    return `a contract table or column is missing (${message}): are the URLs right and both databases migrated?`;
  }
  return `verify failed: ${message}`;
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<not a URL>';
  }
}
