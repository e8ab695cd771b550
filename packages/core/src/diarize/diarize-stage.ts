import type { Diarizer, Role } from '@echolens/provider';
import { EchoLensError } from '@echolens/provider';
import type { DiarizeStage } from '../stages/stages.js';
import { buildConversation } from './conversation.js';
import { createDefaultDiarizer, type DefaultDiarizerOptions } from './default-diarizer.js';

export interface DiarizationOptions extends DefaultDiarizerOptions {
  /** Replace the built-in diarizer (channel / spectral), e.g. with `createOnnxDiarizer(...)`. */
  diarizer?: Diarizer;
  /** Lower bound on speakers for mono recordings (default 1). */
  minSpeakers?: number;
  /** Upper bound on speakers for mono recordings (default 6). */
  maxSpeakers?: number;
  /** A pause longer than this starts a new turn of the same speaker (default 1.5 s). */
  maxTurnGapSec?: number;
  /** Channel roles for inputs whose metadata does not say. */
  channelRoles?: Record<string, Role>;
}

/**
 * The pipeline's diarize stage: who spoke when from the audio, the transcript's words attached to
 * those speakers, roles from metadata or cues. If the diarizer fails (a broken plugin model, say), the
 * call still completes with one speaker per channel and the fallback is recorded as degraded.
 */
export function createDiarizeStage(options: DiarizationOptions = {}): DiarizeStage {
  const diarizer = options.diarizer ?? createDefaultDiarizer(options);
  return async ({ transcript, audio }, context) => {
    const channelRoles = context.metadata.channelRoles ?? options.channelRoles;
    const common = {
      callId: context.callId,
      transcript,
      channelCount: audio.channelCount,
      ...(channelRoles ? { channelRoles } : {}),
      ...(options.maxTurnGapSec !== undefined ? { maxTurnGapSec: options.maxTurnGapSec } : {}),
    };
    try {
      const diarization = await diarizer.diarize(
        { audio, transcript, metadata: context.metadata },
        {
          signal: context.signal,
          onProgress: (fraction) => context.progress(fraction),
          logger: context.logger,
          ...(options.minSpeakers !== undefined ? { minSpeakers: options.minSpeakers } : {}),
          ...(options.maxSpeakers !== undefined ? { maxSpeakers: options.maxSpeakers } : {}),
        },
      );
      context.provenance.diarizer = diarization.method;
      for (const warning of diarization.warnings ?? []) context.degrade('conversation.activity', warning);
      const conversation = buildConversation({ ...common, diarization });
      if (channelRoles && !conversation.speakers.some((speaker) => speaker.roleSource === 'metadata')) {
        // Asked for roles by channel, but the speakers were not told apart by channel: say so.
        context.degrade(
          'conversation.roles',
          audio.channelCount < 2
            ? 'channel roles were given, but the recording is mono: roles come from what is said'
            : `channel roles were given, but the speakers were not told apart by channel (${diarization.method}: the channels carry the same mix): roles come from what is said`,
        );
      }
      return conversation;
    } catch (error) {
      if (EchoLensError.isInstance(error) && error.code === 'aborted') throw error;
      if (context.signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      context.logger.warn(
        { callId: context.callId, error: reason },
        'diarization failed; one speaker per channel',
      );
      context.degrade(
        'conversation.speakers',
        `diarizer ${diarizer.provider}/${diarizer.modelId} failed: ${reason}`,
      );
      context.provenance.diarizer = 'channel-fallback';
      return buildConversation(common);
    }
  };
}
