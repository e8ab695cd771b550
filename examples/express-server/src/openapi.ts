import {
  AggregateReportSchema,
  CallResultSchema,
  CustomerMemorySchema,
  ECHOLENS_VERSION,
  TranscriptSchema,
} from '@echolens/core';
import { z } from 'zod';
import { CallFiltersSchema, CallSummarySchema } from './db/calls-repository.js';
import { ProblemSchema } from './http/problem.js';
import { CallStatusSchema } from './queue-contract.js';
import { CreateFromSourceSchema } from './routes/calls.js';
import { ConversationRequestSchema } from './routes/conversations.js';
import { ReportQuerySchema } from './routes/reports.js';
import { UploadRequestSchema } from './routes/uploads.js';

const CreatedCallsSchema = z.object({
  calls: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(['pending', 'failed']),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

const CallPageSchema = z.object({
  items: z.array(CallSummarySchema),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});

const CallDetailSchema = CallSummarySchema.extend({
  metadata: z.record(z.string(), z.unknown()),
  audioUrl: z.string().nullable(),
  audio: z.record(z.string(), z.unknown()).nullable(),
  transcript: TranscriptSchema.nullable(),
  conversation: z.record(z.string(), z.unknown()).nullable(),
  analysis: z.record(z.string(), z.unknown()).nullable(),
  provenance: z.record(z.string(), z.unknown()).nullable(),
});

const UploadTicketSchema = z.object({
  method: z.literal('PUT'),
  url: z.string(),
  storageKey: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

/** JSON Schema (OpenAPI 3.1 dialect) of a zod schema, as the request or response body describes it. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output') {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return json;
}

const componentSchemas = {
  Problem: schemaOf(ProblemSchema),
  CallSummary: schemaOf(CallSummarySchema),
  CallPage: schemaOf(CallPageSchema),
  CallDetail: schemaOf(CallDetailSchema),
  CreatedCalls: schemaOf(CreatedCallsSchema),
  CallResult: schemaOf(CallResultSchema),
  AggregateReport: schemaOf(AggregateReportSchema),
  CustomerMemory: schemaOf(CustomerMemorySchema),
  UploadTicket: schemaOf(UploadTicketSchema),
};

const ref = (name: keyof typeof componentSchemas) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const secured = { security: [{ apiKey: [] }, { session: [] }] };
const errors = {
  '401': problem('No API key, or not a valid one'),
  '429': problem('Too many requests: wait for the time in Retry-After'),
};

function queryParameters(schema: z.ZodObject) {
  const properties = (schemaOf(schema, 'input') as { properties: Record<string, object> }).properties;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
  }));
}

const metadataFields = {
  metadata: {
    type: 'string',
    description: 'Call metadata as JSON: agentId, customerId, startedAt, channelRoles, language, tags',
  },
  agentId: { type: 'string' },
  customerId: { type: 'string' },
  startedAt: { type: 'string', format: 'date-time', description: 'When the call took place' },
  channelRoles: {
    type: 'string',
    description:
      'Roles of a stereo recording\'s channels: "agent,customer" or JSON {"0":"agent","1":"customer"}',
  },
  until: {
    type: 'string',
    enum: ['none', 'transcribe', 'analyze'],
    default: 'analyze',
    description: 'How far to take the call at once',
  },
};

/** The OpenAPI document served at /openapi.json (interactive at /docs). */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'EchoLens server',
      version: ECHOLENS_VERSION,
      description:
        'Upload customer-service call recordings, follow their status, read transcripts, insights and reports. Every /api route needs an API key (`Authorization: Bearer <key>`) or a dashboard session. Errors are `application/problem+json`.',
    },
    components: {
      schemas: componentSchemas,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A key from ECHOLENS_API_KEYS, or the generated key in <data folder>/api-key',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'echolens_session',
          description: 'Set by POST /api/session (the dashboard)',
        },
      },
    },
    paths: {
      '/api/session': {
        post: {
          summary: 'Exchange an API key for an HttpOnly session cookie (the dashboard signs in this way)',
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['apiKey'],
              properties: { apiKey: { type: 'string' } },
            }),
          },
          responses: { '204': { description: 'Signed in; the cookie is set' }, ...errors },
        },
        delete: {
          summary: 'Sign out (clears the cookie)',
          responses: { '204': { description: 'Signed out' } },
        },
      },
      '/api/uploads': {
        post: {
          ...secured,
          summary:
            'Where to PUT a recording: a presigned S3 URL, or a signed URL of this server with local storage',
          requestBody: { required: true, content: json(schemaOf(UploadRequestSchema, 'input')) },
          responses: {
            '201': {
              description: 'PUT the bytes to `url` (no API key), then POST /api/calls with `storageKey`',
              content: json(ref('UploadTicket')),
            },
            ...errors,
          },
        },
      },
      '/api/calls': {
        get: {
          ...secured,
          summary: 'List calls, newest first, with filters and cursor pagination',
          parameters: queryParameters(CallFiltersSchema),
          responses: { '200': { description: 'A page of calls', content: json(ref('CallPage')) }, ...errors },
        },
        post: {
          ...secured,
          summary:
            'Create calls: one or more recordings or ZIP archives (multipart field `file`), or `{ storageKey }` / `{ url }`',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: { file: { type: 'string', format: 'binary' }, ...metadataFields },
                },
              },
              ...json(schemaOf(CreateFromSourceSchema, 'input')),
            },
          },
          responses: {
            '202': {
              description:
                'Calls created; work queued. Bad entries of a ZIP are listed as failed with their reason.',
              content: json(ref('CreatedCalls')),
            },
            '400': problem('Invalid request'),
            '413': problem('A file is larger than ECHOLENS_MAX_UPLOAD_MB'),
            '415': problem('A file is not audio (the reason names what it is)'),
            '422': problem('An empty file, or an archive that cannot be read'),
            ...errors,
          },
        },
      },
      '/api/calls/{id}': {
        get: {
          ...secured,
          summary: 'A call: status, transcript with its segments, conversation, analysis, provenance',
          parameters: [idParameter],
          responses: {
            '200': { description: 'The call', content: json(ref('CallDetail')) },
            '404': problem('No such call'),
            ...errors,
          },
        },
        delete: {
          ...secured,
          summary: 'Delete a call, its recording and results',
          parameters: [idParameter],
          responses: { '204': { description: 'Deleted' }, '404': problem('No such call'), ...errors },
        },
      },
      ...Object.fromEntries(
        (['transcribe', 'analyze', 'retry'] as const).map((action) => [
          `/api/calls/{id}/${action}`,
          {
            post: {
              ...secured,
              summary:
                action === 'retry'
                  ? 'Run a failed call again'
                  : `${action === 'transcribe' ? 'Transcribe' : 'Analyze'} on demand; idempotent: work done or under way is not repeated (force=true re-runs it, paid work still comes from the cache)`,
              parameters: [
                idParameter,
                ...(action === 'retry'
                  ? []
                  : [{ name: 'force', in: 'query', required: false, schema: { type: 'boolean' } }]),
              ],
              responses: {
                '200': { description: 'Already done', content: json(ref('CallSummary')) },
                '202': { description: 'Queued or under way', content: json(ref('CallSummary')) },
                '404': problem('No such call'),
                '409': problem('Nothing to do this on (a text conversation, or a call that has not failed)'),
                ...errors,
              },
            },
          },
        ]),
      ),
      '/api/calls/{id}/audio': {
        get: {
          ...secured,
          summary: 'The recording, with Range requests for playback (a redirect to a presigned URL with S3)',
          parameters: [
            idParameter,
            { name: 'Range', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'The whole recording' },
            '206': { description: 'The byte range asked for' },
            '302': { description: 'Presigned storage URL' },
            '416': { description: 'Range not satisfiable' },
            ...errors,
          },
        },
      },
      '/api/events': {
        get: {
          ...secured,
          summary:
            'Server-sent events: `call` events with { id, status, stage, progress, error } on every status change',
          responses: {
            '200': {
              description: 'text/event-stream',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors,
          },
        },
      },
      '/api/conversations': {
        post: {
          ...secured,
          summary:
            'Analyse a text transcript or chat (no audio): turns, or text with `Agent:` / `Customer:` lines',
          requestBody: { required: true, content: json(schemaOf(ConversationRequestSchema, 'input')) },
          responses: {
            '201': {
              description: 'The analysed conversation, stored as a call',
              content: json(ref('CallDetail')),
            },
            '400': problem('Invalid request'),
            ...errors,
          },
        },
      },
      '/api/customers/{id}/memory': {
        get: {
          ...secured,
          summary: "The customer's memory box: what each analysed call left owed and open",
          parameters: [idParameter],
          responses: {
            '200': { description: 'The memory box', content: json(ref('CustomerMemory')) },
            '404': problem('No calls of this customer analysed'),
            ...errors,
          },
        },
      },
      '/api/reports/aggregate': {
        get: {
          ...secured,
          summary: 'The roll-up of finished calls (filters like the list): JSON, CSV or the HTML report',
          parameters: queryParameters(ReportQuerySchema),
          responses: {
            '200': {
              description: 'The report',
              content: {
                ...json(ref('AggregateReport')),
                'text/csv': { schema: { type: 'string' } },
                'text/html': { schema: { type: 'string' } },
              },
            },
            ...errors,
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness (no key needed)',
          responses: { '200': { description: 'The process is up' } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: database, storage and queue reachable (no key needed)',
          responses: {
            '200': { description: 'Ready' },
            '503': { description: 'Not ready; the body says which part' },
          },
        },
      },
      '/metrics': {
        get: {
          ...secured,
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'text/plain; version=0.0.4' }, ...errors },
        },
      },
    },
    'x-call-statuses': CallStatusSchema.options,
  };
}
