import { Router } from 'express';
import type { AppContext } from '../context.js';
import type { CallUpdate } from '../work/call-work.js';

/**
 * GET /api/events — server-sent events: one `call` event per status change of any call, as it happens.
 * A comment line every 15 s keeps proxies from closing an idle stream.
 */
export function eventsRouter(context: AppContext): Router {
  const router = Router();
  router.get('/', (request, response) => {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 3000\n\n');
    const send = (update: CallUpdate) => response.write(`event: call\ndata: ${JSON.stringify(update)}\n\n`);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    context.work.on('update', send);
    const stop = () => {
      clearInterval(heartbeat);
      context.work.off('update', send);
    };
    request.on('close', stop);
    response.on('close', stop);
  });
  return router;
}
