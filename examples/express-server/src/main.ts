import { readConfig } from './config.js';
import { startServer } from './server.js';

/** `pnpm example:server`: settings from the environment, graceful stop on SIGTERM / SIGINT. */
const running = await startServer(readConfig()).catch((error: Error) => {
  process.stderr.write(`EchoLens server could not start: ${error.message}\n`);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
