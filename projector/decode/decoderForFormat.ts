import type { CdcFormatSettings } from '../../infra/settings/cdcFormatSettings';
import { createChangeRecordDecoder, type ChangeRecordDecoder } from './changeRecordDecoder';
import { createRegistrySchemas } from './registrySchemas';

/** The projector's decoder: JSON always, Avro too when it knows the schema registry (required by CDC_FORMAT=avro). */
export function changeRecordDecoderFor(cdc: CdcFormatSettings): ChangeRecordDecoder {
  return cdc.schemaRegistryUrl === undefined
    ? createChangeRecordDecoder()
    : createChangeRecordDecoder({ schemas: createRegistrySchemas({ url: cdc.schemaRegistryUrl }) });
}
