// Prometheus metrics: the registry, what feeds it, and GET /metrics.
import type { Db } from '../db/prisma.js';
import { createMetricsRepo } from './metrics.repo.js';
import { createMetrics, type Metrics } from './metrics.service.js';

export { metricsRouter } from './metrics.routes.js';
export type { LlmCallObservation, Metrics } from './metrics.service.js';

export function createMetricsFor(db: Db): Metrics {
  return createMetrics({ repo: createMetricsRepo(db) });
}
