import { ConfigError } from '../../infra/settings/configError';
import { parseWorkloadOptions } from './workloadOptions';

describe('parseWorkloadOptions', () => {
  it('reads the documented flags', () => {
    expect(
      parseWorkloadOptions([
        '--users',
        '50',
        '--rate',
        '300',
        '--duration',
        '5',
        '--url',
        'http://h:1/',
        '--seed',
        '7',
        '--concurrency',
        '8',
      ]),
    ).toEqual({
      users: 50,
      rate: 300,
      durationSeconds: 5,
      url: 'http://h:1',
      seed: 7,
      concurrency: 8,
      workerId: 1023,
    });
  });

  it('defaults what is not given, with a random seed', () => {
    expect(parseWorkloadOptions([], () => 42)).toEqual({
      users: 200,
      rate: 200,
      durationSeconds: 20,
      url: undefined,
      seed: 42,
      concurrency: 64,
      workerId: 1023,
    });
  });

  it('lists every bad value at once', () => {
    expect(() => parseWorkloadOptions(['--users', '1', '--rate', 'fast', '--duration', '0', '--url', 'ftp://x'])).toThrow(
      new ConfigError(
        [
          '--users 1 must be an integer from 2 to 1000000',
          '--rate fast must be an integer from 1 to 100000',
          '--duration 0 must be an integer from 1 to 86400',
          '--url ftp://x must be an http(s) URL',
        ],
        'workload options',
      ),
    );
  });

  it('refuses unknown flags', () => {
    expect(() => parseWorkloadOptions(['--userz', '5'])).toThrow(ConfigError);
  });
});
