/**
 * @echolens/storage-s3/testing — a throw-away S3-compatible server for tests and benchmarks of code that
 * reads or writes S3: s3rver in its own process, on a free loopback port, objects in a temporary folder.
 * Needs the `s3rver` package installed beside it (a devDependency here, not a dependency: like
 * `redis-server` for `@echolens/cache-redis/testing`, the server is the tester's to install).
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** s3rver's built-in account; the SDK signs with it like with real keys. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RunningS3 {
  endpoint: string;
  /** A client with path-style addressing, for arranging and checking objects behind the adapter's back. */
  client: S3Client;
  /** Environment that points the AWS SDK's standard resolution at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver, in its own process) on a free loopback port, with the given
 * buckets. Objects live in a temporary folder removed on stop.
 */
export async function startS3(buckets: string[]): Promise<RunningS3> {
  const directory = mkdtempSync(join(tmpdir(), 'echolens-s3rver-'));
  const script = fileURLToPath(new URL('./s3rver-process.js', import.meta.url));
  const server = spawn(process.execPath, ['--openssl-legacy-provider', script, directory], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(createInterface({ input: server.stdout }), 'line'),
    once(server, 'exit').then(([code]) => {
      throw new Error(`s3rver exited with ${code} before listening`);
    }),
  ])) as [string];
  const { port } = JSON.parse(line) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    client,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    async stop() {
      client.destroy();
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
