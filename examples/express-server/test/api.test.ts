import { readFileSync } from 'node:fs';
import { openAIChatWireFormat, startWireServer, type WireServer } from '@echolens/core/testing';
import { encodePcm16Wav } from '@echolens/provider';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { type RunningServer, startServer } from '../src/server.js';
import { CALL, dataPath, modelAnswerText, SHORT_STEREO, TEST_KEY, testConfig } from './helpers/fixtures.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const auth = { Authorization: `Bearer ${TEST_KEY}` };
const MB = 1024 * 1024;

function zipOf(entries: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(entries)) zip.addBuffer(bytes, name);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** About `size` bytes of 16 kHz 16-bit silence as a WAV: valid audio, only too big. */
function silentWav(size: number): Buffer {
  return Buffer.from(encodePcm16Wav(new Float32Array(Math.ceil(size / 2)), 16_000));
}

const databases = [
  { name: 'SQLite', postgres: false },
  { name: 'PostgreSQL', postgres: true },
];

describe.each(databases)('REST API on $name', ({ postgres }) => {
  let database: TestPostgres | undefined;
  let wire: WireServer;
  let running: RunningServer;
  let api: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    wire = await startWireServer();
    database = postgres ? await startPostgres() : undefined;
    process.env.OPENAI_API_KEY = 'sk-test-server';
    running = await startServer(
      testConfig({
        ECHOLENS_LLM: 'openai:gpt-4o-mini',
        ECHOLENS_LLM_BASE_URL: openAIChatWireFormat.baseURL(wire.origin),
        ECHOLENS_MAX_UPLOAD_MB: '1',
        ...(database ? { DATABASE_URL: database.url } : {}),
      }),
      { print: () => {} },
    );
    api = request.agent(running.server);
  });
  afterAll(async () => {
    await running?.close();
    await database?.stop();
    await wire?.close();
  });

  /** Polls the call until it reaches one of `statuses` (the work runs in the background). */
  async function waitForStatus(id: string, statuses: string[]) {
    for (;;) {
      const response = await api.get(`/api/calls/${id}`).set(auth).expect(200);
      if (statuses.includes(response.body.status)) return response.body;
      if (response.body.status === 'failed' && !statuses.includes('failed'))
        throw new Error(`call ${id} failed: ${JSON.stringify(response.body.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('refuses every /api route and /metrics without a valid key, with a problem document', async () => {
    await api.get('/healthz').expect(200, { status: 'ok' });
    for (const path of [
      '/api/calls',
      '/api/reports/aggregate',
      '/api/customers/x/memory',
      '/metrics',
      '/api/events',
    ]) {
      const response = await api.get(path).expect(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 401, code: 'unauthorized' });
    }
    await api.post('/api/calls').attach('file', CALL()).expect(401);
    const wrong = await api.get('/api/calls').set({ Authorization: 'Bearer not-the-key' }).expect(401);
    expect(wrong.body.detail).toBe('the API key is not valid');
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-key');
    await api.get('/api/calls').set(auth).expect(200);
    await api.get('/metrics').set(auth).expect(200);
  });

  it('uploads a recording and takes it to done: transcript segments, analysis from one LLM request, provenance', async () => {
    wire.reset();
    wire.reply(openAIChatWireFormat.answer({ text: modelAnswerText() }));
    const created = await api
      .post('/api/calls')
      .set(auth)
      .field('agentId', 'alice')
      .field('startedAt', '2026-03-02T10:00:00Z')
      .attach('file', CALL())
      .expect(202);
    expect(created.body.calls).toHaveLength(1);
    const id = created.body.calls[0].id as string;
    const call = await waitForStatus(id, ['done']);

    expect(call.transcript.segments.length).toBeGreaterThan(0);
    expect(
      call.transcript.segments.map((segment: { text: string }) => segment.text).join(' ').length,
    ).toBeGreaterThan(20);
    expect(call.analysis.insights.method).toBe('llm');
    expect(call.provenance.usage.llmRequests).toBe(1);
    expect(call.provenance.adapters.languageModel.modelId).toBe('gpt-4o-mini');
    expect(call.durationSec).toBeCloseTo(10.97, 1);
    expect(call.agentId).toBe('alice');
    expect(wire.requests).toHaveLength(1);

    // Analyze again: done already, nothing queued and no second request.
    const again = await api.post(`/api/calls/${id}/analyze`).set(auth).expect(200);
    expect(again.body.status).toBe('done');
    // Forced: the work runs again, and the analysis comes from the cache.
    await api.post(`/api/calls/${id}/analyze?force=true`).set(auth).expect(202);
    const forced = await waitForStatus(id, ['done']);
    expect(forced.provenance.cache.analysis).toBe('hit');
    // The same recording uploaded again is a new call with the same result, still without a request.
    const duplicate = await api
      .post('/api/calls')
      .set(auth)
      .field('agentId', 'alice')
      .field('startedAt', '2026-03-02T10:00:00Z')
      .attach('file', CALL())
      .expect(202);
    const copy = await waitForStatus(duplicate.body.calls[0].id, ['done']);
    expect(copy.analysis.insights.summary).toEqual(call.analysis.insights.summary);
    expect(wire.requests).toHaveLength(1);

    // The recording plays back, in ranges.
    const bytes = readFileSync(CALL());
    const range = await api
      .get(`/api/calls/${id}/audio`)
      .set(auth)
      .set('Range', 'bytes=100-199')
      .buffer(true)
      .expect(206);
    expect(range.headers['content-range']).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.compare(range.body as Buffer, bytes.subarray(100, 200))).toBe(0);

    // Lists, filters and pages.
    const byAgent = await api.get('/api/calls?agent=alice&status=done&limit=1').set(auth).expect(200);
    expect(byAgent.body.total).toBe(2);
    expect(byAgent.body.items).toHaveLength(1);
    const next = await api
      .get(`/api/calls?agent=alice&status=done&limit=1&cursor=${byAgent.body.nextCursor}`)
      .set(auth)
      .expect(200);
    expect(next.body.items[0].id).not.toBe(byAgent.body.items[0].id);
    expect(next.body.nextCursor).toBeNull();
    const march = await api.get('/api/calls?from=2026-03-01&to=2026-03-03').set(auth).expect(200);
    expect(march.body.items.map((item: { id: string }) => item.id)).toContain(id);
    expect(march.body.total).toBe(2);
    const april = await api.get('/api/calls?from=2026-04-01').set(auth).expect(200);
    expect(april.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
    const topic = call.topic as string;
    const byTopic = await api
      .get(`/api/calls?topic=${encodeURIComponent(topic)}`)
      .set(auth)
      .expect(200);
    expect(byTopic.body.items.map((item: { id: string }) => item.id)).toContain(id);

    // The aggregate report comes from the stored analyses; its executive summary is one request fed the
    // metrics. The CSV needs none, and the HTML report of the same calls finds the summary in the cache.
    wire.reply(
      openAIChatWireFormat.answer({
        text: JSON.stringify({
          headline: 'Two calls, both handled by Alice.',
          paragraphs: ['Both calls were completed.'],
          highlights: [],
        }),
      }),
    );
    const report = await api.get('/api/reports/aggregate?agent=alice').set(auth).expect(200);
    expect(report.body.callCount).toBe(2);
    expect(report.body.executiveSummary).toMatchObject({ method: 'model', cache: 'miss' });
    expect(wire.requests).toHaveLength(2);
    const csv = await api.get('/api/reports/aggregate?agent=alice&format=csv').set(auth).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^call_id,name,/);
    expect(lines).toHaveLength(3);
    expect(csv.text).toContain(id);
    const html = await api.get('/api/reports/aggregate?format=html').set(auth).expect(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.text).toContain(`/#/calls/${id}`);
    expect(html.text).toContain('Two calls, both handled by Alice.');
    expect(wire.requests).toHaveLength(2);
  });

  it('refuses oversize and non-audio uploads with problem documents, storing nothing', async () => {
    const before = (await api.get('/api/calls').set(auth).expect(200)).body.total;
    const oversize = await api
      .post('/api/calls')
      .set(auth)
      .attach('file', silentWav(1.5 * MB), 'long-call.wav')
      .expect(413);
    expect(oversize.headers['content-type']).toContain('application/problem+json');
    expect(oversize.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(oversize.body.detail).toContain('long-call.wav');

    const text = await api
      .post('/api/calls')
      .set(auth)
      .attach('file', Buffer.from('Call notes: customer asked about the refund.\n'), 'notes.wav')
      .expect(415);
    expect(text.body).toMatchObject({ status: 415, code: 'unsupported_format' });
    expect(text.body.detail).toMatch(/text/);
    const image = await api
      .post('/api/calls')
      .set(auth)
      .attach('file', Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'), 'picture.mp3')
      .expect(415);
    expect(image.body.detail).toContain('PNG');
    await api.post('/api/calls').set(auth).attach('file', Buffer.alloc(0), 'empty.wav').expect(422);
    await api.post('/api/calls').set(auth).send({ url: 'file:///etc/passwd' }).expect(400);
    await api.post('/api/calls').set(auth).send({ url: 'http://127.0.0.1:1/x.wav' }).expect(400);

    expect((await api.get('/api/calls').set(auth).expect(200)).body.total).toBe(before);
  });

  it('takes a ZIP of recordings: the good ones complete, the bad one fails with its reason', async () => {
    wire.reset();
    wire.reply(
      openAIChatWireFormat.answer({ text: modelAnswerText() }),
      openAIChatWireFormat.answer({ text: modelAnswerText() }),
    );
    const archive = await zipOf({
      'batch/two-speakers.wav': readFileSync(SHORT_STEREO()),
      'batch/notes.wav': Buffer.from('not a recording, just notes\n'),
      'batch/call.wav': readFileSync(CALL()),
      '__MACOSX/._call.wav': Buffer.from('resource fork'),
    });
    const created = await api
      .post('/api/calls')
      .set(auth)
      .field('agentId', 'bob')
      .attach('file', archive, 'batch.zip')
      .expect(202);
    const calls = created.body.calls as {
      id: string;
      name: string;
      status: string;
      error?: { code: string };
    }[];
    expect(calls.map((call) => call.name).sort()).toEqual(['call.wav', 'notes.wav', 'two-speakers.wav']);
    const bad = calls.find((call) => call.name === 'notes.wav');
    expect(bad).toMatchObject({ status: 'failed', error: { code: 'unsupported_format' } });
    for (const call of calls.filter((entry) => entry !== bad)) {
      const finished = await waitForStatus(call.id, ['done']);
      expect(finished.transcript.segments.length).toBeGreaterThan(0);
    }
    const failed = await api.get(`/api/calls/${bad?.id}`).set(auth).expect(200);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.error.message).toMatch(/not audio/);
    const listed = await api.get('/api/calls?status=failed').set(auth).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(bad?.id);
  });

  it('transcribes on demand, analyses text conversations, deletes calls', async () => {
    wire.reset();
    wire.reply(openAIChatWireFormat.answer({ text: modelAnswerText() }));
    const created = await api
      .post('/api/calls')
      .set(auth)
      .field('until', 'none')
      .attach('file', SHORT_STEREO(), 'again.wav')
      .expect(202);
    const id = created.body.calls[0].id as string;
    expect((await api.get(`/api/calls/${id}`).set(auth).expect(200)).body.status).toBe('pending');
    await api.post(`/api/calls/${id}/transcribe`).set(auth).expect(202);
    const transcribed = await waitForStatus(id, ['transcribed']);
    expect(transcribed.transcript.segments.length).toBeGreaterThan(0);
    expect(transcribed.analysis).toBeNull();
    await api.post(`/api/calls/${id}/transcribe`).set(auth).expect(200);

    const conversation = await api
      .post('/api/conversations')
      .set(auth)
      .send({
        text: 'Agent: Thanks for calling, how can I help?\nCustomer: I was charged twice this month.\nAgent: I will refund the second charge today.',
        metadata: { agentId: 'carol', customerId: 'cust-1' },
      })
      .expect(201);
    expect(conversation.body).toMatchObject({ kind: 'text', status: 'done', agentId: 'carol' });
    expect(conversation.body.conversation.turns).toHaveLength(3);
    expect(conversation.body.analysis.insights.method).toBe('llm');
    expect(wire.requests).toHaveLength(1);
    await api.post(`/api/calls/${conversation.body.id}/analyze`).set(auth).expect(409);
    // The customer's memory box, kept in the database, has the conversation.
    const memory = await api.get('/api/customers/cust-1/memory').set(auth).expect(200);
    expect(memory.body.entries.map((entry: { callId: string }) => entry.callId)).toEqual([
      conversation.body.id,
    ]);
    await api.get('/api/customers/nobody/memory').set(auth).expect(404);
    const invalid = await api.post('/api/conversations').set(auth).send({ text: 'hello there' }).expect(400);
    expect(invalid.body.code).toBe('invalid_request');

    await api.delete(`/api/calls/${id}`).set(auth).expect(204);
    await api.get(`/api/calls/${id}`).set(auth).expect(404);
    await api.get(`/api/calls/${id}/audio`).set(auth).expect(404);
  });

  it('hands out direct-upload URLs that need no key and accept one recording', async () => {
    const ticket = await api.post('/api/uploads').set(auth).send({ fileName: 'uploaded.wav' }).expect(201);
    expect(ticket.body).toMatchObject({
      method: 'PUT',
      storageKey: expect.stringMatching(/^calls\/[^/]+\/audio\/uploaded\.wav$/),
    });
    const path = new URL(ticket.body.url).pathname;
    await request(running.server)
      .put(path)
      .set('Content-Type', 'audio/wav')
      .send(readFileSync(CALL()))
      .expect(201);
    await request(running.server).put(`${path}x`).send(readFileSync(CALL())).expect(403);
    const created = await api
      .post('/api/calls')
      .set(auth)
      .send({ storageKey: ticket.body.storageKey, until: 'none' })
      .expect(202);
    const call = (await api.get(`/api/calls/${created.body.calls[0].id}`).set(auth).expect(200)).body;
    expect(call.name).toBe('uploaded.wav');
    await api.post('/api/calls').set(auth).send({ storageKey: 'calls/nothing/here.wav' }).expect(404);
  });

  it('describes itself: OpenAPI document, interactive docs, readiness, request ids, security headers', async () => {
    const document = await api.get('/openapi.json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/calls',
        '/api/calls/{id}',
        '/api/uploads',
        '/api/conversations',
        '/api/reports/aggregate',
      ]),
    );
    const docs = await api.get('/docs').expect(200);
    expect(docs.text).toContain('swagger-ui-bundle.js');
    await api.get('/docs/swagger-ui-bundle.js').expect(200);
    const ready = await api.get('/readyz').expect(200);
    expect(ready.body.checks).toEqual({ database: true, queue: true, storage: true });
    const traced = await api.get('/api/calls').set(auth).set('X-Request-Id', 'trace-42').expect(200);
    expect(traced.headers['x-request-id']).toBe('trace-42');
    expect(traced.headers['content-security-policy']).toContain("default-src 'self'");
    expect(traced.headers['x-content-type-options']).toBe('nosniff');
    const missing = await api.get('/api/nothing').set(auth).expect(404);
    expect(missing.body.requestId).toBeTruthy();
    const metrics = await api.get('/metrics').set(auth).expect(200);
    expect(metrics.text).toMatch(/echolens_calls\{status="done"\} \d+/);
  });
});

describe('zero configuration', () => {
  it('generates an API key at first start, prints it once, and never again', async () => {
    const config = testConfig({ ECHOLENS_API_KEYS: '' });
    const printed: string[] = [];
    const first = await startServer(config, { print: (line) => printed.push(line) });
    await first.close();
    const second = await startServer(config, { print: (line) => printed.push(line) });
    const key = readFileSync(`${config.dataDir}/api-key`, 'utf8').trim();
    expect(printed[0]).toContain(key);
    expect(printed[1]).not.toContain(key);
    expect(printed[1]).toContain('api-key');
    await request(second.server).get('/api/calls').expect(401);
    await request(second.server)
      .get('/api/calls')
      .set({ Authorization: `Bearer ${key}` })
      .expect(200);
    // The dashboard signs in once and then uses an HttpOnly cookie.
    const session = await request(second.server).post('/api/session').send({ apiKey: key }).expect(204);
    const cookie = session.headers['set-cookie']?.[0] as string;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(key);
    await request(second.server)
      .get('/api/calls')
      .set('Cookie', cookie.split(';')[0] as string)
      .expect(200);
    await request(second.server).post('/api/session').send({ apiKey: 'guess' }).expect(401);
    await second.close();
  });

  it('gives work in hand back at shutdown and finishes it at the next start', async () => {
    const config = testConfig({ ECHOLENS_SHUTDOWN_GRACE_SEC: '0' });
    const first = await startServer(config, { print: () => {} });
    const created = await request(first.server)
      .post('/api/calls')
      .set(auth)
      .attach('file', dataPath('asr', 'audio', 'jfk.wav'))
      .expect(202);
    const id = created.body.calls[0].id as string;
    await first.close();
    const second = await startServer(config, { print: () => {} });
    for (;;) {
      const call = await request(second.server).get(`/api/calls/${id}`).set(auth).expect(200);
      if (call.body.status === 'done') {
        expect(
          call.body.transcript.segments.map((segment: { text: string }) => segment.text).join(' '),
        ).toMatch(/country/i);
        break;
      }
      expect(call.body.status).not.toBe('failed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await second.close();
  });
});
