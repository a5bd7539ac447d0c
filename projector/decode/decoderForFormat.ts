import type { CdcFormatSettings } from '../../infra/settings/cdcFormatSettings';
import { createChangeRecordDecoder, type ChangeRecordDecoder } from './changeRecordDecoder';
import { createRegistrySchemas, type RegistryState } from './registrySchemas';

/**
 * The projector's decoder: JSON always, Avro too when it knows the schema registry (required by
 * CDC_FORMAT=avro), with what its last ask of the registry found, for readiness.
 */
export function changeRecordDecoderFor(cdc: CdcFormatSettings): {
  readonly decoder: ChangeRecordDecoder;
  readonly registry: { state(): RegistryState } | undefined;
} {
  if (cdc.schemaRegistryUrl === undefined) return { decoder: createChangeRecordDecoder(), registry: undefined };
  const schemas = createRegistrySchemas({ url: cdc.schemaRegistryUrl });
  return { decoder: createChangeRecordDecoder({ schemas }), registry: schemas };
}
