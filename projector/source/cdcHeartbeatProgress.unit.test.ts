import {
  cdcHeartbeatState,
  heartbeatAgeMs,
  observeHeartbeatEndOffsets,
  startHeartbeatProgress,
  type HeartbeatEndOffsetsReading,
  type HeartbeatProgress,
} from './cdcHeartbeatProgress';

const SILENT_AFTER_MS = 30_000;
const ends = (...offsets: number[]): HeartbeatEndOffsetsReading => ({
  kind: 'offsets',
  ends: new Map(offsets.map((end, partition) => [partition, BigInt(end)])),
});
const unavailable = (reason: string): HeartbeatEndOffsetsReading => ({ kind: 'unavailable', reason });

/** A watch started at t=0 that read each `[at, reading]` in turn (a fake clock and offsets). */
const watched = (...readings: ReadonlyArray<readonly [number, HeartbeatEndOffsetsReading]>): HeartbeatProgress =>
  readings.reduce((progress, [at, reading]) => observeHeartbeatEndOffsets(progress, reading, at), startHeartbeatProgress(0));

describe('cdcHeartbeatState', () => {
  it('given end offsets that keep advancing, then CDC is streaming, aged from the last advance', () => {
    const progress = watched([0, ends(10)], [5_000, ends(11)], [10_000, ends(12)]);
    expect(cdcHeartbeatState(progress, 12_000, SILENT_AFTER_MS)).toEqual({ kind: 'streaming', ageMs: 2_000 });
  });

  it('given an end offset that stands still for longer than the threshold, then CDC is silent', () => {
    const progress = watched([0, ends(10)], [5_000, ends(11)], [10_000, ends(11)], [30_000, ends(11)]);
    expect(cdcHeartbeatState(progress, 35_000, SILENT_AFTER_MS)).toEqual({ kind: 'streaming', ageMs: 30_000 });
    expect(cdcHeartbeatState(progress, 35_001, SILENT_AFTER_MS)).toEqual({ kind: 'silent', ageMs: 30_001 });
  });

  it('given a silent topic that advances again, then CDC is streaming again', () => {
    const silent = watched([0, ends(10)], [5_000, ends(11)], [60_000, ends(11)]);
    expect(cdcHeartbeatState(silent, 60_000, SILENT_AFTER_MS)).toMatchObject({ kind: 'silent' });
    const resumed = observeHeartbeatEndOffsets(silent, ends(14), 65_000);
    expect(cdcHeartbeatState(resumed, 66_000, SILENT_AFTER_MS)).toEqual({ kind: 'streaming', ageMs: 1_000 });
  });

  it('given only the first reading, then nothing is known yet: an end offset seen once says nothing about when it was written', () => {
    const progress = watched([0, ends(10)]);
    expect(cdcHeartbeatState(progress, 3_000, SILENT_AFTER_MS)).toEqual({
      kind: 'unknown',
      reason: 'no Debezium heartbeat seen yet (watching for 3 s)',
    });
  });

  it('given no advance since the watch started, then CDC is silent once the threshold passes, aged from the start', () => {
    const progress = watched([0, ends(10)], [20_000, ends(10)], [31_000, ends(10)]);
    expect(cdcHeartbeatState(progress, 31_000, SILENT_AFTER_MS)).toEqual({ kind: 'silent', ageMs: 31_000 });
    expect(heartbeatAgeMs(progress, 31_000)).toBe(31_000);
  });

  it('given no reading yet, then the state says so', () => {
    expect(cdcHeartbeatState(startHeartbeatProgress(0), 1_000, SILENT_AFTER_MS)).toEqual({
      kind: 'unknown',
      reason: 'the heartbeat topic has not been read yet',
    });
  });

  it('given a reading that failed, then the state is unknown with its reason, and the last advance is kept for the next reading', () => {
    const failed = watched([0, ends(10)], [5_000, ends(11)], [10_000, unavailable('Kafka did not answer')]);
    expect(cdcHeartbeatState(failed, 10_000, SILENT_AFTER_MS)).toEqual({ kind: 'unknown', reason: 'Kafka did not answer' });
    expect(heartbeatAgeMs(failed, 10_000)).toBe(5_000);

    const back = observeHeartbeatEndOffsets(failed, ends(11), 15_000);
    expect(cdcHeartbeatState(back, 15_000, SILENT_AFTER_MS)).toEqual({ kind: 'streaming', ageMs: 10_000 });
  });

  it('given a topic made again (end offsets lower), then that is a new baseline, not an advance', () => {
    const remade = watched([0, ends(10)], [5_000, ends(11)], [10_000, ends(0)]);
    expect(heartbeatAgeMs(remade, 10_000)).toBe(5_000);
    const beat = observeHeartbeatEndOffsets(remade, ends(1), 15_000);
    expect(heartbeatAgeMs(beat, 15_000)).toBe(0);
  });

  it('given several partitions, then an advance on any of them counts', () => {
    const progress = watched([0, ends(10, 20)], [5_000, ends(10, 21)]);
    expect(cdcHeartbeatState(progress, 5_000, SILENT_AFTER_MS)).toEqual({ kind: 'streaming', ageMs: 0 });
  });
});
