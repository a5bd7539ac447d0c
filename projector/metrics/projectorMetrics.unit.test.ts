import { createProjectorMetrics } from './projectorMetrics';
import { PROJECTED_TABLES } from '../decode/changeEvent';

describe('the projector metrics', () => {
  it('given a projector that has dead-lettered nothing yet, then every table has a dead-letter series at 0 for increase() to start from', async () => {
    const metrics = createProjectorMetrics({ cdcHeartbeatAgeMs: () => 0 });
    const text = await metrics.registry.metrics();
    for (const table of PROJECTED_TABLES) {
      expect(text).toContain(`projector_events_total{table="${table}",outcome="dead_lettered"} 0`);
    }
  });
});
