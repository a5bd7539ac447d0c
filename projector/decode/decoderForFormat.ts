import type { CdcFormatSettings } from '../../infra/settings/cdcFormatSettings';
import { createAvroChangeRecords } from './avroChangeRecords';
import { jsonChangeRecords, type ChangeRecordDecoder } from './changeRecordDecoder';
import { createRegistrySchemas } from './registrySchemas';

/** The decoder for the pipeline's CDC format (CDC_FORMAT). */
export function changeRecordDecoderFor(cdc: CdcFormatSettings): ChangeRecordDecoder {
  return cdc.format === 'json'
    ? jsonChangeRecords
    : createAvroChangeRecords({ schemas: createRegistrySchemas({ url: cdc.schemaRegistryUrl }) });
}
