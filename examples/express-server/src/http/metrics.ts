import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../context.js';

/** Prometheus metrics of this process: requests, latency, calls by status, jobs running, Node's own. */
export function createMetrics(context: () => AppContext | undefined): {
  registry: Registry;
  middleware: RequestHandler;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'echolens_server_' });
  const requests = new Counter({
    name: 'echolens_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'echolens_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'echolens_calls',
    help: 'Stored calls by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = (await context()?.calls.countByStatus()) ?? {};
      this.reset();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'echolens_jobs_running',
    help: 'Jobs this process is running now (0 when the worker fleet runs them)',
    registers: [registry],
    collect() {
      this.set(context()?.work.queue.running() ?? 0);
    },
  });

  const middleware: RequestHandler = (request, response, next) => {
    const stop = duration.startTimer();
    response.on('finish', () => {
      // The route pattern (not the URL) keeps label values few: ids stay out of the metrics.
      const route = request.route?.path ? `${request.baseUrl}${request.route.path}` : 'unmatched';
      requests.inc({ method: request.method, route, status: String(response.statusCode) });
      stop({ method: request.method, route });
    });
    next();
  };
  return { registry, middleware };
}
