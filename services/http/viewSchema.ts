import type { ViewColumn } from '../../projector/views/viewColumn';
import { contractFields, type ViewShape } from '../../projector/views/viewDefinition';
import { idSchema, seqSchema } from './schemas';

/** The JSON schema of a contract column as the query API returns it (see viewRecords.ts). */
function columnSchema(column: ViewColumn): Record<string, unknown> {
  const described = column.doc === undefined ? {} : { description: column.doc };
  const orNull = (type: string) => (column.nullable ? [type, 'null'] : type);
  switch (column.kind) {
    case 'int64':
    case 'version': {
      const base = column.zeroAllowed === true ? seqSchema : idSchema;
      return { ...base, type: orNull('string'), ...described };
    }
    case 'int16':
    case 'int32':
      return {
        type: orNull('integer'),
        ...(column.oneOf === undefined ? {} : { enum: column.oneOf }),
        ...(column.minimum === undefined ? {} : { minimum: column.minimum }),
        ...described,
      };
    case 'text':
      return { type: orNull('string'), ...described };
    case 'bool':
      return { type: orNull('boolean'), ...described };
    case 'time':
      return { type: orNull('string'), format: 'date-time', description: `${column.doc ?? 'a time'}; ISO-8601 UTC with microseconds` };
    default: {
      const unreachable: never = column.kind;
      throw new Error(`unknown column kind ${String(unreachable)}`);
    }
  }
}

/** Every contract column of the view, under its field name, all required. */
export function viewRowSchema(view: ViewShape) {
  const fields = contractFields(view);
  return {
    type: 'object',
    required: fields.map((f) => f.field),
    properties: Object.fromEntries(fields.map((f) => [f.field, columnSchema(f.column)])),
  } as const;
}
