import { createHash } from 'node:crypto';
import { aggregateResults, csvColumns, csvHeader, csvLine, renderReportPage } from '@echolens/core';
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

const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

/**
 * The report page carries its script, styles and data inline (it must open from disk too), so it is
 * served under a policy of its own: inline code allowed, nothing loaded from anywhere else.
 */
const REPORT_PAGE_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * GET /api/reports/aggregate — the roll-up of the finished calls (filtered like the list), computed from
 * their stored analyses by the pipeline's aggregate stage; JSON, CSV (one row per call) or the HTML report,
 * written by core's report writers. Each report is also kept in storage under reports/<id>/. The CSV has
 * no executive summary, so it is rolled up without the language model: a spreadsheet export costs no
 * request.
 */
export function reportsRouter(context: AppContext): Router {
  const router = Router();
  router.get('/aggregate', async (request, response) => {
    const { format, ...filters } = ReportQuerySchema.parse(request.query);
    const results = [];
    for await (const result of context.calls.results(filters)) results.push(result);
    const report =
      format === 'csv' ? await aggregateResults(results) : await context.pipeline.aggregate(results);
    let body: string;
    if (format === 'csv') {
      const columns = csvColumns(report);
      body = `\uFEFF${csvHeader(columns)}${results.map((result) => csvLine(columns, result)).join('')}`;
    } else if (format === 'html') {
      // Each call of the report links to its page in the dashboard.
      const pages = new Map(
        results.map((result) => [result.callId, `/#/calls/${encodeURIComponent(result.callId)}`]),
      );
      body = renderReportPage(report, pages);
      response.set('Content-Security-Policy', REPORT_PAGE_POLICY);
    } else {
      body = JSON.stringify(report);
    }
    const filterHash = createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 8);
    const reportId = `${report.generatedAt.replace(/[:.]/g, '-')}-${filterHash}`;
    await context.storage.put(reportKey(reportId, format), body, { contentType: CONTENT_TYPES[format] });
    response.set('X-Report-Id', reportId);
    if (format !== 'json') response.attachment(`report.${format}`);
    response.type(CONTENT_TYPES[format]).send(body);
  });
  return router;
}
