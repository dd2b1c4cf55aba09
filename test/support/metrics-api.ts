/**
 * The HTTP API the `/metrics` suites scrape: started before the file's tests, closed after.
 * One place, so each suite states only the family it checks.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { ADMIN, startApi, type TestApi } from '../integration/http-helpers.js';

export interface MetricsApi {
  /** The running API; its `status.bridges` is what a suite sets to stand in for a runtime. */
  readonly api: TestApi;
  /** One scrape of `/metrics` as the admin; fails the test unless it answers 200. */
  metrics(): Promise<string>;
}

/** Registers the file's beforeAll/afterAll; call at the top level of the test file. */
export function useMetricsApi(): MetricsApi {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  const started = (): TestApi => {
    if (!api) throw new Error('the metrics API is not started: use it inside a test');
    return api;
  };
  return {
    get api() {
      return started();
    },
    async metrics() {
      const res = await started().call('GET', '/metrics', { token: ADMIN });
      expect(res.status).toBe(200);
      return res.res.text();
    },
  };
}

/** The counter family is declared in the scrape but has no sample. */
export function expectFamilyWithoutSamples(text: string, family: string): void {
  expect(text).toMatch(new RegExp(`^# TYPE ${family} counter$`, 'm'));
  expect(text).not.toMatch(new RegExp(`^${family}\\{`, 'm'));
}
