import type { WriteTransaction } from '../db/writeTransaction';
import type { IdGenerator } from '../ids/idGenerator';
import type { CommandResult } from './commandResult';

/** What every command gets: the open transaction and the id source. */
export interface CommandContext {
  readonly tx: WriteTransaction;
  readonly ids: IdGenerator;
}

/** One user intent; it runs inside one transaction, which commits only if it returns ok. */
export type Command<Input, Output> = (context: CommandContext, input: Input) => Promise<CommandResult<Output>>;
