import { describeError, EchoLensError } from '@echolens/provider';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';

/** RFC 9457 problem details: every error the API returns has this shape and `application/problem+json`. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  /** Stable machine-readable code, e.g. `unsupported_format`, `payload_too_large`. */
  code: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  /** Field-level problems of an invalid request. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** An error that is the caller's to fix (or to wait out), with the status and code it is answered with. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Partial<Problem> = {},
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** EchoLens errors caused by the input are the caller's; the rest are ours. */
const STATUS_OF_CODE: Record<string, number> = {
  unsupported_format: 415,
  audio_decode_failed: 422,
  empty_input: 422,
  invalid_input: 400,
  invalid_configuration: 400,
};

export function toProblem(error: unknown, requestId?: string, instance?: string): Problem {
  const base = { ...(requestId ? { requestId } : {}), ...(instance ? { instance } : {}) };
  if (error instanceof HttpProblem) {
    return {
      type: `https://echolens.dev/problems/${error.code}`,
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      code: error.code,
      ...base,
      ...error.extra,
    };
  }
  if (error instanceof z.ZodError) {
    return {
      type: 'https://echolens.dev/problems/invalid_request',
      title: TITLES[400] as string,
      status: 400,
      detail: 'the request is not valid',
      code: 'invalid_request',
      errors: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      ...base,
    };
  }
  if (EchoLensError.isInstance(error)) {
    const { code, message } = describeError(error);
    const status = STATUS_OF_CODE[code] ?? 500;
    return {
      type: `https://echolens.dev/problems/${code}`,
      title: TITLES[status] as string,
      status,
      detail: status === 500 ? 'the server could not complete the request' : message,
      code,
      ...base,
    };
  }
  // Body parsers signal oversize and bad JSON with a status on the error.
  const status = (error as { status?: number; type?: string })?.status;
  if (status === 413)
    return toProblem(
      new HttpProblem(413, 'payload_too_large', 'the request body is too large'),
      requestId,
      instance,
    );
  if (status === 400)
    return toProblem(
      new HttpProblem(400, 'invalid_request', 'the request body is not valid JSON'),
      requestId,
      instance,
    );
  return {
    type: 'https://echolens.dev/problems/internal_error',
    title: TITLES[500] as string,
    status: 500,
    detail: 'the server could not complete the request',
    code: 'internal_error',
    ...base,
  };
}

export function sendProblem(response: import('express').Response, problem: Problem): void {
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

export const problemHandler: ErrorRequestHandler = (error, request, response, _next) => {
  const problem = toProblem(error, String(request.id ?? ''), request.originalUrl);
  // Details of our own failures go to the log (with the request id), never to the caller.
  if (problem.status >= 500) request.log?.error({ err: error }, 'request failed');
  if (response.headersSent) {
    response.end();
    return;
  }
  sendProblem(response, problem);
};

export const notFoundHandler: RequestHandler = (request, _response, next) =>
  next(new HttpProblem(404, 'not_found', `no route for ${request.method} ${request.path}`));
