import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { reportKey } from '../queue-contract.js';

export const ReportQuerySchema = z.object({
  format: z.enum(['json', 'csv', 'html']).default('json'),
  agent: z.string().optional(),
  topic: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

/**
 * GET /api/reports/aggregate — the roll-up of the finished calls (filtered like the list), computed from
 * their stored analyses by the pipeline's aggregate stage, kept in storage under reports/<id>/ and returned.
 */
export function reportsRouter(context: AppContext): Router {
  const router = Router();
  router.get('/aggregate', async (request, response) => {
    const query = ReportQuerySchema.parse(request.query);
    const { format, ...filters } = query;
    const results = [];
    for await (const result of context.calls.results(filters)) results.push(result);
    const report = await context.pipeline.aggregate(results);
    const reportId = `${report.generatedAt.replace(/[:.]/g, '-')}-${createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 8)}`;
    const body = JSON.stringify(report);
    await context.storage.put(reportKey(reportId, 'json'), body, { contentType: 'application/json' });
    response.set('X-Report-Id', reportId);
    response.type('application/json').send(body);
  });
  return router;
}
