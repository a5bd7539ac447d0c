/** The running stack's settings, as exported by test/support/globalSetup.ts. */
export function stackEnv() {
  const read = (name: string): string => {
    const value = process.env[name];
    if (value === undefined || value === '')
      throw new Error(`${name} is not set: run the stack tests through jest (globalSetup starts the stack)`);
    return value;
  };
  return {
    writeDatabaseUrl: read('WRITE_DATABASE_URL'),
    readDatabaseUrl: read('READ_DATABASE_URL'),
    kafkaBrokers: read('KAFKA_BROKERS').split(','),
    connectUrl: read('CONNECT_URL'),
  };
}

/** A name no earlier run used: tests own their topics, groups, slots and ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The stack's PostgreSQL superuser: tests that make and drop databases of their own use it. */
export const STACK_SUPERUSER = { user: 'postgres', password: 'postgres' } as const;

/** A URL of `database` on the stack's server, as the stack's role or with other credentials. */
export function stackDatabaseUrl(database: string, credentials?: { readonly user: string; readonly password: string }): string {
  const url = new URL(stackEnv().writeDatabaseUrl);
  if (credentials !== undefined) {
    url.username = credentials.user;
    url.password = credentials.password;
  }
  url.pathname = `/${database}`;
  return url.toString();
}
