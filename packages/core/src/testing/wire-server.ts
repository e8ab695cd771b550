import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that stands in for a vendor API in tests: each incoming request is recorded and
 * answered by the next scripted reply, so a test can play "429, then a good answer" through the real client
 * library and then assert on exactly what the client sent. Wire formats (`openAIChatWireFormat`, …) build
 * the replies in each vendor's shape.
 */

export interface RecordedFormFile {
  name: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface RecordedFormValue {
  name: string;
  value: string;
}

export type RecordedFormField = RecordedFormFile | RecordedFormValue;

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string. */
  url: string;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  rawBody: Uint8Array;
  /** The body parsed as JSON, when it was JSON. */
  json?: unknown;
  /** The fields of a multipart/form-data body, in order. */
  form?: RecordedFormField[];
  /** `performance.timeOrigin + performance.now()` when the request arrived, for asserting delays. */
  receivedAt: number;
}

export interface WireResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** A string or bytes are sent as is; anything else as JSON. */
  body?: unknown;
}

/** Never answer: the client must give up on its own (timeout, abort). */
export interface WireHang {
  hang: true;
}

export type WireReply = WireResponse | WireHang;
export type WireHandler = WireReply | ((request: RecordedRequest) => WireReply | Promise<WireReply>);

export interface WireServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Every request received since the last `reset`, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Queues replies: each request takes the next one. Without one, the server answers 500 and says so. */
  reply(...handlers: WireHandler[]): void;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  /** Resolves once the client closed the connection of request `index` before any answer (an abort). */
  waitForClientDisconnect(index: number): Promise<void>;
  /** Forgets recorded requests and queued replies, and drops hung connections. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWireServer(): Promise<WireServer> {
  const requests: RecordedRequest[] = [];
  const queue: WireHandler[] = [];
  const hung = new Set<ServerResponse>();
  const disconnects = new Map<number, Promise<void>>();
  let arrivalWaiters: { count: number; resolve: () => void }[] = [];

  const server = createServer((incoming, response) => {
    void handle(incoming, response);
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const recorded = await recordRequest(incoming);
    const index = requests.push(recorded) - 1;
    disconnects.set(
      index,
      new Promise<void>((resolve) => {
        response.once('close', () => {
          if (!response.writableFinished) resolve();
        });
      }),
    );
    arrivalWaiters = arrivalWaiters.filter((waiter) => {
      if (requests.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    const handler = queue.shift();
    let reply: WireReply;
    try {
      reply =
        handler === undefined
          ? unscripted(recorded)
          : typeof handler === 'function'
            ? await handler(recorded)
            : handler;
    } catch (error) {
      reply = {
        status: 500,
        body: { error: { message: `wire server handler failed: ${(error as Error).message}` } },
      };
    }
    if ('hang' in reply) {
      hung.add(response);
      response.once('close', () => hung.delete(response));
      return;
    }
    sendReply(response, reply);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    reply(...handlers) {
      queue.push(...handlers);
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => arrivalWaiters.push({ count, resolve }));
    },
    waitForClientDisconnect(index) {
      const disconnect = disconnects.get(index);
      if (!disconnect) return Promise.reject(new Error(`wire server: no request #${index} was received`));
      return disconnect;
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      disconnects.clear();
      for (const response of hung) response.destroy();
      hung.clear();
    },
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A request the test did not script. Refused with a 400, which no client retries: a forgotten reply
 * then shows at once as a failed request instead of a run waiting through every back-off.
 */
function unscripted(request: RecordedRequest): WireResponse {
  return {
    status: 400,
    body: { error: { message: `wire server: no scripted reply for ${request.method} ${request.url}` } },
  };
}

function sendReply(response: ServerResponse, reply: WireResponse): void {
  const { body } = reply;
  const isRaw = typeof body === 'string' || body instanceof Uint8Array;
  const payload = body === undefined ? '' : isRaw ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': isRaw ? 'text/plain; charset=utf-8' : 'application/json',
    ...reply.headers,
  };
  response.writeHead(reply.status ?? 200, headers);
  response.end(payload);
}

async function recordRequest(incoming: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const rawBody = new Uint8Array(Buffer.concat(chunks));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const url = incoming.url ?? '/';
  const recorded: RecordedRequest = {
    method: incoming.method ?? 'GET',
    path: url.split('?')[0] as string,
    url,
    headers,
    rawBody,
    receivedAt: performance.timeOrigin + performance.now(),
  };
  const contentType = headers['content-type'] ?? '';
  if (
    contentType.includes('application/json') ||
    (rawBody[0] === 0x7b && !contentType.includes('multipart'))
  ) {
    try {
      recorded.json = JSON.parse(Buffer.from(rawBody).toString('utf8'));
    } catch {
      // Not JSON after all; the raw body is still recorded.
    }
  }
  if (contentType.includes('multipart/form-data')) recorded.form = await parseMultipart(rawBody, contentType);
  return recorded;
}

/** Node's own fetch Response parses multipart bodies; no hand-written parser to get wrong. */
async function parseMultipart(body: Uint8Array, contentType: string): Promise<RecordedFormField[]> {
  const formData = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const fields: RecordedFormField[] = [];
  for (const [name, value] of formData.entries()) {
    if (typeof value === 'string') {
      fields.push({ name, value });
    } else {
      fields.push({
        name,
        filename: value.name,
        contentType: value.type,
        bytes: new Uint8Array(await value.arrayBuffer()),
      });
    }
  }
  return fields;
}

/** All values of a form field (`timestamp_granularities[]` repeats). */
export function formValues(request: RecordedRequest, name: string): string[] {
  return (request.form ?? [])
    .filter((field): field is RecordedFormValue => field.name === name && 'value' in field)
    .map((field) => field.value);
}

export function formFile(request: RecordedRequest, name: string): RecordedFormFile | undefined {
  return (request.form ?? []).find(
    (field): field is RecordedFormFile => field.name === name && 'bytes' in field,
  );
}

/** The reply a handler gives for `request`, e.g. to wrap a wire format's answer in a slower or altered one. */
export async function resolveWireHandler(handler: WireHandler, request: RecordedRequest): Promise<WireReply> {
  return typeof handler === 'function' ? handler(request) : handler;
}
