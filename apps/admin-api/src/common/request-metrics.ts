import { statusClass } from '@gatehouse/observability';
import { type NextFunction, type Request, type Response } from 'express';
import { Counter, Histogram } from 'prom-client';

/** The route label of a request no route took (an unknown path, or one refused before routing). */
const UNMATCHED_ROUTE = 'unmatched';

const LABELS = ['route', 'method', 'status_class'];

const requests = new Counter({
  name: 'gatehouse_admin_requests_total',
  help: 'Admin API requests answered, by route pattern, method and status class (2xx, 4xx, 5xx).',
  labelNames: LABELS,
});

const duration = new Histogram({
  name: 'gatehouse_admin_request_duration_seconds',
  help: 'Admin API requests from arrival to the end of the response, in seconds.',
  labelNames: LABELS,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/**
 * Counts and times every admin API request once its response is over. The route label is the pattern Express
 * matched (`/api/v1/tenants/:tenantId`), never the path, so ids in paths make no series; the method is one of
 * the few HTTP defines or `other`.
 */
export function requestMetrics() {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    response.once('finish', () => {
      const labels = {
        route: routePattern(request),
        method: METHODS.has(request.method) ? request.method : 'other',
        status_class: statusClass(response.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - startedAt) / 1000);
    });
    next();
  };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function routePattern(request: Request): string {
  const route = (request as { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? `${request.baseUrl}${route.path}` : UNMATCHED_ROUTE;
}
