import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-dist';
import { z } from 'zod';
import type { AppContext } from './context.js';
import { readCookie, SESSION_COOKIE } from './http/auth.js';
import { createMetrics } from './http/metrics.js';
import { HttpProblem, notFoundHandler, problemHandler } from './http/problem.js';
import { openApiDocument } from './openapi.js';
import { callsRouter } from './routes/calls.js';
import { conversationsRouter } from './routes/conversations.js';
import { customersRouter } from './routes/customers.js';
import { eventsRouter } from './routes/events.js';
import { reportsRouter } from './routes/reports.js';
import { directUploadRouter, uploadsRouter } from './routes/uploads.js';

/** The built dashboard: beside the compiled server (dist/dashboard), or built next to the sources. */
export function dashboardFolder(): string | undefined {
  for (const candidate of ['./dashboard/', '../dist/dashboard/']) {
    const folder = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${folder}index.html`)) return folder;
  }
  return undefined;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Paths logged without what makes them secret (signed upload tokens). */
const loggedUrl = (url: string) => url.replace(/^\/api\/uploads\/[^/?]+/, '/api/uploads/[token]');

/** The HTTP application: security headers, logs, limits, authentication, the API, docs and the dashboard. */
export function createApp(context: AppContext): Express {
  const { config, auth } = context;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? 1 : false);

  app.use(
    pinoHttp({
      logger: context.logger,
      genReqId: (request, response) => {
        const given = request.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        response.setHeader('X-Request-Id', id);
        return id;
      },
      // Headers (keys, cookies) never reach the log.
      serializers: {
        req: (request) => ({ id: request.id, method: request.method, url: loggedUrl(request.url) }),
        res: (response) => ({ statusCode: response.statusCode }),
      },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (request) => request.url === '/healthz' || request.url === '/readyz' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          // Recordings may come from presigned storage URLs.
          'media-src': ["'self'", 'blob:', 'https:'],
          'connect-src': ["'self'", 'https:'],
        },
      },
    }),
  );
  const metrics = createMetrics(() => context);
  app.use(metrics.middleware);

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    const checks = {
      database: await context.calls.ping().then(
        () => true,
        () => false,
      ),
      queue: await context.work.queue.isReady(),
      storage: await context.storage.exists('.readyz').then(
        () => true,
        () => false,
      ),
    };
    const ready = Object.values(checks).every(Boolean);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  const document = openApiDocument();
  app.get('/openapi.json', (_request, response) => {
    response.json(document);
  });
  app.get(['/docs', '/docs/'], (_request, response) => {
    response.type('html').send(DOCS_PAGE);
  });
  app.get('/docs/init.js', (_request, response) => {
    response.type('js').send(DOCS_SCRIPT);
  });
  app.use('/docs', express.static(swaggerUi.getAbsoluteFSPath(), { index: false }));

  // Signing in: a key for an HttpOnly cookie. Few attempts per address, so keys cannot be guessed.
  const signInLimiter = rateLimit({
    windowMs: 60_000,
    limit: 10,
    keyGenerator: (request) => ipKeyGenerator(request.ip ?? ''),
    handler: (_request, _response, next) =>
      next(new HttpProblem(429, 'rate_limited', 'too many sign-in attempts; wait a minute')),
  });
  app.post('/api/session', signInLimiter, express.json({ limit: '4kb' }), (request, response) => {
    const { apiKey } = z.object({ apiKey: z.string().min(1).max(512) }).parse(request.body);
    const key = auth.matchKey(apiKey);
    if (!key) throw new HttpProblem(401, 'unauthorized', 'the API key is not valid');
    auth.setSessionCookie(response, key, request.secure);
    response.status(204).end();
  });
  // Whether this browser is signed in, answered without an error status so a page can ask quietly.
  app.get('/api/session', (request, response) => {
    const cookie = readCookie(request.get('cookie'), SESSION_COOKIE);
    response.json({ signedIn: Boolean(cookie && auth.verifySession(cookie)) });
  });
  app.delete('/api/session', (_request, response) => {
    response.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });
  // Signed direct-upload URLs carry their own permission, like presigned S3 URLs.
  app.use('/api/uploads', directUploadRouter(context));

  // Failed authentications count per address; a client without a valid key is slowed down early.
  const refusedLimiter = rateLimit({
    windowMs: 60_000,
    limit: 30,
    keyGenerator: (request) => ipKeyGenerator(request.ip ?? ''),
    requestWasSuccessful: (_request, response) => response.statusCode !== 401,
    skipSuccessfulRequests: true,
    handler: (_request, _response, next) =>
      next(new HttpProblem(429, 'rate_limited', 'too many refused requests; wait a minute')),
  });
  const callerLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    keyGenerator: (_request, response) => String(response.locals.caller),
    handler: (_request, _response, next) =>
      next(
        new HttpProblem(
          429,
          'rate_limited',
          `more than ${config.rateLimitPerMinute} requests a minute (ECHOLENS_RATE_LIMIT)`,
        ),
      ),
  });
  app.use(['/api', '/metrics'], refusedLimiter, auth.middleware(), callerLimiter);

  app.get('/metrics', async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use('/api', express.json({ limit: '5mb' }));
  app.use('/api/uploads', uploadsRouter(context));
  app.use('/api/calls', callsRouter(context));
  app.use('/api/conversations', conversationsRouter(context));
  app.use('/api/customers', customersRouter(context));
  app.use('/api/reports', reportsRouter(context));
  app.use('/api/events', eventsRouter(context));
  app.use('/api', notFoundHandler);

  const dashboard = dashboardFolder();
  if (dashboard) {
    app.use(express.static(dashboard, { index: 'index.html', maxAge: '1h' }));
    // Client-side routes (#/calls/…) all load the one page.
    app.get('/', (_request, response) => response.sendFile(`${dashboard}index.html`));
  } else {
    app.get('/', (_request, response) => {
      response.type('text').send('The dashboard is not built: run `pnpm build` (the API works without it).');
    });
  }
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>EchoLens API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, withCredentials: true });`;
