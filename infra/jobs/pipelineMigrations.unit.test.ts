import { loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { WRITE_TABLES } from '../../services/db/writeTables';
import { asProjector, cdcTablesOf } from './pipelineMigrations';

describe('cdcTablesOf, on connectors/im-write.json', () => {
  const tables = cdcTablesOf(loadConnectorDefinition());

  it('publishes exactly the contract’s write tables and Debezium’s two, so the writer’s grants and the publication agree', () => {
    expect([...tables.published].sort()).toEqual([...WRITE_TABLES.map((t) => `public.${t}`), tables.signal, tables.heartbeat].sort());
  });

  it('names the signal and heartbeat tables the connector writes', () => {
    expect(tables).toMatchObject({ signal: 'public.debezium_signal', heartbeat: 'public.debezium_heartbeat', publication: 'im_write_cdc' });
  });
});

describe('asProjector', () => {
  it('given a URL with options of its own, then it keeps them and adds the projector role', () => {
    const url = new URL(asProjector('postgres://im_migrator:pw@db:5432/im_read?options=-c%20statement_timeout%3D0'));
    expect(url.searchParams.get('options')).toBe('-c statement_timeout=0 -c role=im_projector');
    expect(url.username).toBe('im_migrator');
  });
});
