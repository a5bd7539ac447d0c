import fs from 'node:fs';
import path from 'node:path';
import { CDC_FORMATS, type CdcFormat } from '../settings/cdcFormatSettings';

const FILE = 'cdc-format';

/**
 * The format the stack runs in: CDC_FORMAT when this command was given it, else the one the last
 * `up` recorded, else JSON. So `CDC_FORMAT=avro npm start` switches a stack, and later commands
 * (status, env, the supervisor's restarts) keep to it until it is switched again.
 */
export function stackCdcFormat(stateDir: string, asked: CdcFormat | undefined): CdcFormat {
  if (asked !== undefined) return asked;
  let recorded: string;
  try {
    recorded = fs.readFileSync(path.join(stateDir, FILE), 'utf8').trim();
  } catch {
    return 'json';
  }
  return (CDC_FORMATS as readonly string[]).includes(recorded) ? (recorded as CdcFormat) : 'json';
}

/** Recorded once the connector runs in it. */
export function recordStackCdcFormat(stateDir: string, format: CdcFormat): void {
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(path.join(stateDir, FILE), `${format}\n`);
}
