/** Errors that end a verify run before it can say whether the views match (exit status 2). */

/** Bad command-line arguments or settings; lists every problem at once. */
export class VerifyUsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid arguments or settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'VerifyUsageError';
  }
}

export type DatabaseSide = 'write' | 'read';

/** A database could not be reached: names which one, so the operator knows which URL to fix. */
export class VerifyConnectionError extends Error {
  constructor(
    readonly side: DatabaseSide,
    override readonly cause: unknown,
  ) {
    super(`cannot connect to the ${side} database: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'VerifyConnectionError';
  }
}
