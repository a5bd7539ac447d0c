import { withoutSecrets } from './withoutSecrets';

describe('withoutSecrets', () => {
  it('given a Debezium trace that prints the connector config, then the password is masked and the rest kept', () => {
    const trace =
      'IllegalStateException: not initialized for ConnectorContext[config={slot.name=im_write_cdc, database.password=3830188ec4769c, database.user=im_cdc}]';
    expect(withoutSecrets(trace)).toBe(
      'IllegalStateException: not initialized for ConnectorContext[config={slot.name=im_write_cdc, database.password=***, database.user=im_cdc}]',
    );
  });

  it('given JSON, then a secret value is masked', () => {
    expect(withoutSecrets('{"database.password":"s3cr3t","topic.prefix":"im"}')).toBe('{"database.password":"***","topic.prefix":"im"}');
  });

  it('given a text without secrets, then it is unchanged', () => {
    expect(withoutSecrets('ERROR: replication slot "im_write_cdc" is active for PID 42')).toBe(
      'ERROR: replication slot "im_write_cdc" is active for PID 42',
    );
  });
});
