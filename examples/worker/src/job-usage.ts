import { AsyncLocalStorage } from 'node:async_hooks';
import type { SpeechToTextModel } from '@echolens/provider';

/** The paid work one attempt of a job did, counted as it happens. */
export interface JobUsage {
  jobId: string;
  callId: string;
  speechToTextRequests: number;
  speechToTextAudioSec: number;
}

const running = new AsyncLocalStorage<JobUsage>();

/** Runs a job's work with its usage counted (several jobs run at once in one worker: each counts its own). */
export function withUsage<T>(usage: JobUsage, work: () => Promise<T>): Promise<T> {
  return running.run(usage, work);
}

/**
 * The speech-to-text model with every request counted against the job that made it. `onStart` hears
 * of each job's first request: its transcription is starting, which a cached transcript would have
 * spared (the worker logs it, so a fleet's paid work can be audited from its logs).
 */
export function countedSpeechToText(
  model: SpeechToTextModel,
  onStart: (usage: JobUsage) => void,
): SpeechToTextModel {
  return new Proxy(model, {
    get(target, property) {
      if (property === 'transcribe') {
        return (
          audio: Parameters<SpeechToTextModel['transcribe']>[0],
          options?: Parameters<SpeechToTextModel['transcribe']>[1],
        ) => {
          const usage = running.getStore();
          if (usage) {
            if (usage.speechToTextRequests === 0) onStart(usage);
            usage.speechToTextRequests++;
            usage.speechToTextAudioSec += audio.samples.length / audio.sampleRate;
          }
          return target.transcribe(audio, options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
