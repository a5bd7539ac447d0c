import { cdcTopics } from './cdcTopics';
import { loadConnectorDefinition } from './connectorDefinition';

describe('cdcTopics', () => {
  const topics = new Map(cdcTopics(loadConnectorDefinition()).map((t) => [t.topic, t]));

  it('names one topic per included table, as Debezium does', () => {
    expect([...topics.keys()]).toEqual(
      expect.arrayContaining(['im.public.users', 'im.public.messages', 'im.public.friendships', 'im.public.debezium_heartbeat']),
    );
    expect(topics.size).toBe(9);
  });

  it('compacts topics keyed by the primary key, keeps full history on the re-keyed ones', () => {
    expect(topics.get('im.public.users')).toMatchObject({
      numPartitions: 8,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: '-1' },
      ],
    });
    expect(topics.get('im.public.messages')).toMatchObject({
      numPartitions: 8,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '-1' },
      ],
    });
    expect(topics.get('im.public.debezium_signal')).toMatchObject({
      numPartitions: 1,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '604800000' },
      ],
    });
  });
});
