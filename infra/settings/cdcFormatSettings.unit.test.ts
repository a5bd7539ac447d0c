import { loadProjectorConfig } from '../../projector/config';
import { ConfigError } from './configError';

const base = { PROJECTOR_DATABASE_URL: 'postgres://im_projector:pw@127.0.0.1:5432/im_read', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('CDC_FORMAT and SCHEMA_REGISTRY_URL, as the projector reads them', () => {
  it('given nothing, then JSON without a registry', () => {
    expect(loadProjectorConfig(base).cdc).toEqual({ format: 'json', schemaRegistryUrl: undefined });
  });

  it('given avro and a registry, then both (without a trailing slash)', () => {
    expect(loadProjectorConfig({ ...base, CDC_FORMAT: 'avro', SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7/' }).cdc).toEqual({
      format: 'avro',
      schemaRegistryUrl: 'http://registry:8080/apis/ccompat/v7',
    });
  });

  it('given avro without a registry, a prefix that is no Avro name, and an unknown format, then start-up stops naming each', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadProjectorConfig({ ...base, ...env });
      } catch (error) {
        return (error as ConfigError).message;
      }
      throw new Error('no ConfigError');
    };
    expect(problems({ CDC_FORMAT: 'avro', TOPIC_PREFIX: 'im-prod' })).toMatch(
      /SCHEMA_REGISTRY_URL is required when CDC_FORMAT is avro[\s\S]*TOPIC_PREFIX=im-prod must be an Avro name/,
    );
    expect(problems({ CDC_FORMAT: 'protobuf' })).toContain('CDC_FORMAT=protobuf must be one of json, avro');
    expect(problems({ CDC_FORMAT: 'json', SCHEMA_REGISTRY_URL: 'registry:8080' })).toContain('SCHEMA_REGISTRY_URL');
  });
});
