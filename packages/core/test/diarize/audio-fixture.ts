import { execFileSync } from 'node:child_process';
import type { PcmReader } from '@echolens/core';
import type { DiarizerAudio } from '@echolens/provider';

/** An in-memory PcmReader over per-channel 16 kHz samples (test material only: real calls stream from disk). */
export function memoryPcm(channels: Float32Array[]): PcmReader {
  const length = channels[0]?.length ?? 0;
  return {
    sampleRate: 16_000,
    channelCount: channels.length,
    length,
    async read(channel, start, end) {
      return channels[channel]!.slice(Math.max(0, start), Math.min(length, end));
    },
    async *chunks(channel, options = {}) {
      const size = options.chunkSamples ?? 480_000;
      for (let start = options.start ?? 0; start < (options.end ?? length); start += size)
        yield channels[channel]!.slice(start, Math.min(options.end ?? length, start + size));
    },
  };
}

/** Decodes any file to 16 kHz float channels with the system ffmpeg. */
export function decodeChannels(path: string): Float32Array[] {
  const probe = execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=channels',
    '-of',
    'csv=p=0',
    path,
  ])
    .toString()
    .trim();
  const channelCount = Number(probe);
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ar', '16000', '-'], {
    maxBuffer: 1 << 30,
  });
  const interleaved = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const frames = interleaved.length / channelCount;
  return Array.from({ length: channelCount }, (_, channel) => {
    const samples = new Float32Array(frames);
    for (let i = 0; i < frames; i++) samples[i] = interleaved[i * channelCount + channel]!;
    return samples;
  });
}

/** Audio for a diarizer from per-channel samples; `speech` left out so the diarizer's own energy VAD runs. */
export function diarizerAudio(channels: Float32Array[], name = 'fixture'): DiarizerAudio {
  return {
    pcm: memoryPcm(channels),
    channelCount: channels.length,
    durationSec: (channels[0]?.length ?? 0) / 16_000,
    speech: [],
    source: { name },
  };
}
