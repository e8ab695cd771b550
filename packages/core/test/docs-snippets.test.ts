import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startRedisServer, type TestRedis } from '@echolens/cache-redis/testing';
import { artifactLayout } from '@echolens/core';
import {
  groqChatWireFormat,
  ollamaChatWireFormat,
  openAIChatWireFormat,
  type RecordedRequest,
  startWireServer,
  type WireReply,
  type WireServer,
} from '@echolens/core/testing';
import { createS3Storage } from '@echolens/storage-s3';
import { type RunningS3, S3RVER_CREDENTIALS, startS3 } from '@echolens/storage-s3/testing';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath, repoRoot } from './helpers/data.js';

/**
 * Every TypeScript and JavaScript example in the README, docs/ and the package READMEs runs as written,
 * from the checkout, offline: hosted APIs are this process's wire server (the adapters read the vendors'
 * base-URL variables). An example that cannot run on its own — the shape of an adapter for a fictional
 * vendor, say — is marked `<!-- snippet: fragment (reason) -->` on the line before it, and must say why.
 */
const MARKDOWN = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(join(repoRoot, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => {
      try {
        readFileSync(join(repoRoot, path));
        return true;
      } catch {
        return false;
      }
    }),
];

interface Snippet {
  file: string;
  line: number;
  code: string;
  /** Why it cannot run on its own, when marked as a fragment. */
  fragment?: string;
}

function snippetsOf(file: string): Snippet[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = lines[index]!.match(/^```(ts|typescript|js|javascript|mjs)\s*$/);
    if (!open) continue;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !lines[index]!.startsWith('```'); index++) body.push(lines[index]!);
    const marker = lines
      .slice(Math.max(0, start - 2), start)
      .join('\n')
      .match(/<!-- snippet: fragment \(([^)]*)\) -->/);
    snippets.push({
      file,
      line: start + 1,
      code: body.join('\n'),
      ...(marker ? { fragment: marker[1] } : {}),
    });
  }
  return snippets;
}

const snippets = MARKDOWN.flatMap(snippetsOf);
const scratch = join(repoRoot, 'node_modules', '.cache', 'echolens-doc-snippets');

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minItems?: number;
  minimum?: number;
  minLength?: number;
};

/** The plainest object a JSON Schema accepts: what a model that follows the schema to the letter answers. */
function exampleOf(schema: Schema | undefined): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf)
    return exampleOf(schema.anyOf.find((option) => option.type !== 'null') ?? schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((option) => option !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, property]) => [key, exampleOf(property)]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => exampleOf(schema.items));
    case 'string':
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return Math.max(0, schema.minimum ?? 0);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function schemaInInstructions(texts: (string | undefined)[]): unknown {
  for (const text of texts) {
    const line = text?.split('\n').findLast((candidate) => candidate.startsWith('{'));
    if (line) return JSON.parse(line);
  }
  return undefined;
}

/** Answers whatever the adapters ask: model lists, and structured answers that follow the requested schema. */
function vendorAnswer(request: RecordedRequest): WireReply {
  if (request.path.endsWith('/models'))
    return openAIChatWireFormat.models(['gpt-4o-mini', 'llama-3.3-70b-versatile']);
  if (request.path === '/api/tags') return ollamaChatWireFormat.models(['llama3.2', 'qwen2.5:7b']);
  const format =
    request.path === '/api/chat'
      ? ollamaChatWireFormat
      : request.path.startsWith('/openai/')
        ? groqChatWireFormat
        : openAIChatWireFormat;
  const sent = format.readRequest(request);
  // Adapters in JSON mode (no schema on the wire) put the schema in the instructions, on its last line.
  const schema =
    sent.jsonSchema ?? schemaInInstructions([sent.system, ...sent.messages.map((m) => m.content)]);
  const text = JSON.stringify(exampleOf(schema as Schema | undefined));
  return format.answer({ text })(request) as WireReply;
}

function run(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: repoRoot, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('documentation examples run as written', () => {
  let server: WireServer;
  let s3: RunningS3;
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startWireServer();
    server.reply(...Array.from({ length: 2000 }, () => vendorAnswer));
    mkdirSync(scratch, { recursive: true });
    // The S3 examples read a bucket named `recordings`, holding the call the README analyses.
    s3 = await startS3(['recordings']);
    await createS3Storage({
      bucket: 'recordings',
      prefix: 'echolens/',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
    }).put(artifactLayout.audio('c-17', 'c-17.wav'), readFileSync(dataPath('asr', 'audio', 'jfk.wav')));
  });
  afterAll(async () => {
    await server?.close();
    await s3?.stop();
    await redis?.stop();
  });

  it('marks every example that cannot run with the reason', () => {
    const unexplained = snippets.filter(
      (snippet) => snippet.fragment !== undefined && snippet.fragment.length < 10,
    );
    expect(unexplained.map((snippet) => `${snippet.file}:${snippet.line}`)).toEqual([]);
  });

  for (const snippet of snippets.filter((candidate) => candidate.fragment === undefined)) {
    it(`${snippet.file}:${snippet.line}`, async () => {
      const code = ts.transpileModule(snippet.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const file = join(
        scratch,
        `${relative(repoRoot, join(repoRoot, snippet.file)).replace(/[/.]/g, '_')}_${snippet.line}.mjs`,
      );
      writeFileSync(file, code);
      const result = await run(file, {
        OPENAI_BASE_URL: openAIChatWireFormat.baseURL(server.origin),
        OPENAI_API_KEY: 'sk-docs-snippets-0123456789',
        GROQ_BASE_URL: server.origin,
        GROQ_API_KEY: 'gsk-docs-snippets-0123456789',
        OLLAMA_HOST: server.origin,
        ...s3.env,
        REDIS_URL: redis.url,
      });
      expect(result.code, result.output).toBe(0);
    }, 600_000);
  }
});
