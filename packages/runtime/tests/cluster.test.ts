/**
 * The runtime's metrics through prom-client's AggregatorRegistry, in a real two-worker Node
 * cluster: tests/fixtures/cluster-primary.mjs forks the workers (each runs sessions on the default
 * registry: 3 running, 1 ended, 1 stuck, 1 draining, 1 with a dynamic label) and prints the
 * primary's clusterMetrics() scrape. Uses the built package (`pnpm build`, which `pnpm test` runs).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface ClusterScrape {
  text: string;
  drainingSince: [number, number];
  scrapeStartedAt: number;
  scrapeEndedAt: number;
}

function runCluster(): Promise<ClusterScrape> {
  const script = fileURLToPath(new URL('./fixtures/cluster-primary.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    // Bounded twice: the fixture exits by itself within 20 s, and is killed at 30 s.
    execFile(process.execPath, [script], { timeout: 30_000, killSignal: 'SIGKILL', cwd: fileURLToPath(new URL('..', import.meta.url)) }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`cluster fixture failed: ${error.message}\n${stderr}`));
      const line = stdout.trim().split('\n').at(-1) ?? '';
      resolve(JSON.parse(line) as ClusterScrape);
    });
  });
}

/** The value of the sample `name{labels}` in Prometheus text, exactly as written (labels in order). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics in a two-worker cluster (AggregatorRegistry)', () => {
  it('sums counters, session counts and the application gauge, merges histograms and takes the max drain age', async () => {
    const { text, drainingSince, scrapeStartedAt, scrapeEndedAt } = await runCluster();

    // The application's own session gauge (prom-client's default aggregator: sum): 5 live sessions per worker.
    expect(sample(text, 'ws_connections')).toBe(10);
    // Counters sum.
    expect(sample(text, 'async_supervisor_exit_total{label="pusher",reason="lifetime_done"}')).toBe(2);
    expect(sample(text, 'async_supervisor_exit_total{label="listen",reason="disconnect"}')).toBe(2);
    // Histograms merge bucket by bucket.
    expect(sample(text, 'async_drain_duration_seconds_count{label="pusher"}')).toBe(2);
    expect(sample(text, 'async_drain_duration_seconds_bucket{le="+Inf",label="pusher"}')).toBe(2);
    expect(sample(text, 'async_drain_duration_seconds_count{label="listen"}')).toBe(2);
    // Census gauges: sessions and stuck tasks sum.
    expect(sample(text, 'async_sessions{label="pusher",state="running"}')).toBe(6);
    expect(sample(text, 'async_sessions{label="listen",state="stuck"}')).toBe(2);
    expect(sample(text, 'async_sessions{label="flusher",state="draining"}')).toBe(2);
    expect(sample(text, 'async_stuck_tasks{label="listen",task="webhook"}')).toBe(2);
    // Each worker's label guard maps its dynamic label; the aggregate sums them.
    expect(sample(text, 'async_sessions{label="__dynamic__",state="running"}')).toBe(2);
    expect(text).not.toMatch(/user:\d+/);

    // Oldest drain: the max over workers, not the sum. Worker 1 began draining ≥ 1 s before the
    // scrape too, so a sum would exceed the oldest age by more than a second.
    const oldest = sample(text, 'async_session_oldest_draining_seconds{label="flusher"}') ?? NaN;
    const first = Math.min(...drainingSince);
    expect(oldest).toBeGreaterThanOrEqual((scrapeStartedAt - first) / 1000 - 0.1);
    expect(oldest).toBeLessThanOrEqual((scrapeEndedAt - first) / 1000 + 0.1);
  }, 40_000);
});
