import fs from 'node:fs';
import path from 'node:path';
import { CDC_FORMATS, type CdcFormat } from '../settings/cdcFormatSettings';

const FILE = 'cdc-format';

/**
 * The format the stack runs in: `asked` (CDC_FORMAT, given to up or start), else the one the last
 * `up` recorded, else JSON. So `CDC_FORMAT=avro npm start` switches a stack, and later commands
 * (status, env, the supervisor) keep to it until it is switched again.
 */
export function stackCdcFormat(stateDir: string, asked: CdcFormat | undefined, { strict = true }: { strict?: boolean } = {}): CdcFormat {
  if (asked !== undefined) return asked;
  const file = path.join(stateDir, FILE);
  if (!fs.existsSync(file)) return 'json';
  const recorded = fs.readFileSync(file, 'utf8').trim();
  if (!(CDC_FORMATS as readonly string[]).includes(recorded)) {
    // Only a command that brings the stack up must know: status, down and reset go on without it.
    if (!strict) return 'json';
    throw new Error(
      `${file} says ${JSON.stringify(recorded)}, not one of ${CDC_FORMATS.join(', ')}: fix it, or bring the stack up with CDC_FORMAT`,
    );
  }
  return recorded as CdcFormat;
}

/** Recorded once the connector runs in it. */
export function recordStackCdcFormat(stateDir: string, format: CdcFormat): void {
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(path.join(stateDir, FILE), `${format}\n`);
}
