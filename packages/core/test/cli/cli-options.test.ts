import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConversationInput, createPipeline, ModelLoadError, silentLogger } from '@echolens/core';
import { openAIChatWireFormat, startWireServer } from '@echolens/core/testing';
import { resolveModelsDir } from '@echolens/provider';
import { createWhisper } from '@echolens/stt-whisper';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  type AnalysisCliOptions,
  addAnalysisOptions,
  addSharedOptions,
  pipelineOptionsFromCli,
  type SharedCliOptions,
} from '../../src/cli/shared-options.js';
import { dataPath } from '../helpers/data.js';

/** The options commander parses from a command line, exactly as the CLI's commands receive them. */
function parse(...args: string[]): SharedCliOptions & AnalysisCliOptions {
  const command = addAnalysisOptions(addSharedOptions(new Command('analyze').argument('[paths...]')))
    .exitOverride()
    .action(() => {});
  command.parse(['node', 'analyze', ...args]);
  return command.opts() as SharedCliOptions & AnalysisCliOptions;
}
const optionsFor = async (...args: string[]) => pipelineOptionsFromCli(parse(...args), silentLogger);

const call: ConversationInput = {
  id: 'flags',
  turns: [
    { speaker: 'agent', text: 'Thank you for calling, how can I help you?' },
    { speaker: 'customer', text: 'My card 4111 1111 1111 1111 was charged twice for my router order.' },
    { speaker: 'agent', text: 'I am sorry, I have refunded the second charge. Anything else?' },
    { speaker: 'customer', text: 'No, thank you so much, that was great.' },
  ],
};

describe('every command-line flag reaches the stage that acts on it', () => {
  it('maps each flag to one pipeline option', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'echolens-flags-'));
    const taxonomy = join(scratch, 'taxonomy.json');
    writeFileSync(taxonomy, JSON.stringify([{ id: 'router_orders', label: 'Router orders' }]));
    const options = await optionsFor(
      '--model',
      'Xenova/whisper-tiny',
      '--language',
      'de',
      '--concurrency',
      '3',
      '--channels',
      'agent,customer',
      '--models-dir',
      scratch,
      '--no-cache',
      '--taxonomy',
      taxonomy,
      '--redact',
      'always',
      '--redact-transcripts',
      '--denoise',
    );
    expect(options).toMatchObject({
      whisper: { model: 'Xenova/whisper-tiny' },
      language: 'de',
      concurrency: 3,
      channelRoles: { 0: 'agent', 1: 'customer' },
      modelsDir: scratch,
      cache: false,
      taxonomy: [{ id: 'router_orders' }],
      redaction: { beforeModel: 'always', storedTranscripts: true },
      audio: { denoise: true },
    });
    // Defaults: redaction before a hosted model is on; nothing else is set.
    expect(await optionsFor()).toEqual({
      logger: silentLogger,
      concurrency: 1,
      redaction: { beforeModel: 'hosted' },
    });
  });

  it('--models-dir reaches Whisper, the VAD and the diarizer (a missing model is said, never silent)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'echolens-empty-models-'));
    const pipeline = createPipeline({ modelsDir: empty, cache: false, memory: false });
    const preflight = await pipeline.preflight().catch((error: unknown) => error);
    expect(ModelLoadError.isInstance(preflight)).toBe(true);
    expect((preflight as Error).message).toContain(empty);

    // With a working recogniser, the same folder reaches voice activity detection and the channel diarizer.
    const whisper = createWhisper({ modelsDir: resolveModelsDir().dir, model: 'Xenova/whisper-tiny' });
    const withWhisper = createPipeline({
      modelsDir: empty,
      speechToText: whisper,
      cache: false,
      memory: false,
    });
    const result = await withWhisper.run(dataPath('diarization', 'stereo', 'fw-stereo-diarization.wav'));
    const degraded = result.analysis.provenance.degraded;
    expect(degraded.find((entry) => entry.field === 'audio.speech')?.reason).toContain(empty);
    expect(degraded.find((entry) => entry.field === 'conversation.activity')?.reason).toContain(empty);
    await whisper.dispose();
  });

  it('--channels and --min-speakers reach the diarizer', async () => {
    const stereo = createPipeline({ ...(await optionsFor('--channels', 'agent,customer')), cache: false });
    const roles = await stereo.diarize(dataPath('diarization', 'stereo', 'fw-stereo-diarization.wav'));
    expect(roles.conversation.speakers.map((speaker) => speaker.id).sort()).toEqual(['agent', 'customer']);

    const command = addSharedOptions(new Command('diarize').argument('[paths...]'))
      .option('--min-speakers <n>', '', Number)
      .exitOverride()
      .action(() => {});
    command.parse(['node', 'diarize', '--min-speakers', '2']);
    const options = await pipelineOptionsFromCli(command.opts(), silentLogger);
    expect(options.diarization).toEqual({ minSpeakers: 2 });
    const mono = await createPipeline({ ...options, cache: false }).diarize(
      dataPath('asr', 'audio', 'jfk.wav'),
    );
    expect(mono.conversation.speakers.length).toBeGreaterThanOrEqual(2);
  });

  it('--model and --language reach the recogniser', async () => {
    const unknownModel = createPipeline(
      await optionsFor('--model', 'Xenova/whisper-nonexistent', '--models-dir', resolveModelsDir().dir),
    );
    const error = await unknownModel.preflight().catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('whisper-nonexistent');

    const unknownLanguage = createPipeline({
      ...(await optionsFor('--model', 'Xenova/whisper-tiny', '--language', 'xx')),
      cache: false,
    });
    const wrong = await unknownLanguage
      .transcribe(dataPath('asr', 'audio', 'jfk.wav'))
      .catch((caught: unknown) => caught);
    expect((wrong as Error).message).toMatch(/does not know language "xx"/);
    await unknownLanguage.dispose();
  });

  it('--taxonomy, --rules, --categories and --no-cache reach the analyzer', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'echolens-flags-'));
    const files = {
      taxonomy: [{ id: 'router_orders', label: 'Router orders', keywords: ['router'] }],
      rules: [
        { id: 'apology', description: 'The agent apologises', kind: 'required_phrase', phrases: ['sorry'] },
      ],
      categories: [{ id: 'refund_talk', conditions: [{ type: 'phrase', phrases: ['refunded'] }] }],
    };
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(scratch, `${name}.json`), JSON.stringify(content));
    const pipeline = createPipeline({
      ...(await optionsFor(
        '--taxonomy',
        join(scratch, 'taxonomy.json'),
        '--rules',
        join(scratch, 'rules.json'),
        '--categories',
        join(scratch, 'categories.json'),
        '--no-cache',
      )),
      memory: false,
    });
    const result = await pipeline.analyzeConversation(call);
    expect(result.analysis.insights.intent.primary.topicId).toBe('router_orders');
    expect(result.analysis.insights.compliance.map((rule) => rule.ruleId)).toEqual(['apology']);
    expect(result.analysis.categories?.map((category) => category.id)).toEqual(['refund_talk']);
    expect(result.analysis.provenance.cache.analysis ?? 'off').toBe('off');
  });

  it('--llm, --llm-base-url and --redact reach the language model request', async () => {
    const server = await startWireServer();
    try {
      const answer = openAIChatWireFormat.error({ status: 400, message: 'no' });
      for (const [mode, leaks] of [
        ['hosted', false],
        ['off', true],
      ] as const) {
        server.reset();
        server.reply(answer);
        const options = await optionsFor(
          '--llm',
          'openai:gpt-4o-mini',
          '--llm-base-url',
          openAIChatWireFormat.baseURL(server.origin),
          '--redact',
          mode,
          '--no-cache',
        );
        process.env.OPENAI_API_KEY ??= 'sk-test-flags-0123456789';
        await createPipeline({ ...options, memory: false }).analyzeConversation(call);
        expect(server.requests).toHaveLength(1);
        const body = new TextDecoder().decode(server.requests[0]!.rawBody);
        expect(body.includes('4111 1111 1111 1111')).toBe(leaks);
      }
    } finally {
      await server.close();
    }
  });
});
