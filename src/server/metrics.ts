/**
 * Prometheus metrics (prom-client), one registry per server so that two
 * instances in one process (the tests) do not share counters. Names follow
 * the seed's: api_concurrent_requests, api_errors_total{type},
 * engine_detection_time_ms, engine_removal_time_ms, ml_model_parameters{model},
 * plus prom-client's process metrics (process_resident_memory_bytes, heap).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ImageRecord } from '../cli/pipeline';
import type { ModelInfo } from './protocol';
import type { PoolStats } from './pool';

/** Milliseconds: a small image detects in ~0.1 s on a fast machine, a 48 MP one may take a minute on a slow one. */
const MS_BUCKETS = [25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly concurrent = new Gauge({ name: 'api_concurrent_requests', help: 'API requests being handled now (running or queued)', registers: [this.registry] });
  readonly errors = new Counter({ name: 'api_errors_total', help: 'API errors by type (the error code\'s category) and code', labelNames: ['type', 'code'], registers: [this.registry] });
  readonly requests = new Counter({ name: 'api_requests_total', help: 'API requests by route and status', labelNames: ['route', 'status'], registers: [this.registry] });
  readonly detection = new Histogram({ name: 'engine_detection_time_ms', help: 'Time the detectors took per image (ms)', buckets: MS_BUCKETS, registers: [this.registry] });
  readonly removal = new Histogram({ name: 'engine_removal_time_ms', help: 'Time removal took per image (ms)', buckets: MS_BUCKETS, registers: [this.registry] });
  readonly parameters = new Gauge({ name: 'ml_model_parameters', help: 'Learnable parameters per loaded model (from the manifest)', labelNames: ['model'], registers: [this.registry] });

  constructor(pool: () => PoolStats) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: 'api_pool_busy_workers', help: 'Workers running an image', registers: [this.registry], collect() { this.set(pool().busy); } });
    new Gauge({ name: 'api_pool_queued_requests', help: 'Requests waiting for a worker', registers: [this.registry], collect() { this.set(pool().queued); } });
    new Gauge({ name: 'api_pool_workers', help: 'Worker threads alive (idle ones exit)', registers: [this.registry], collect() { this.set(pool().workers); } });
  }

  observe(record: ImageRecord): void {
    if (record.timings.detect !== undefined) this.detection.observe(record.timings.detect);
    if (record.timings.remove !== undefined) this.removal.observe(record.timings.remove);
  }

  models(models: readonly ModelInfo[]): void {
    for (const m of models) if (m.params !== null) this.parameters.set({ model: m.id }, m.params);
  }
}
