import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { PcmReader } from '@echolens/provider';
import { InvalidInputError } from '@echolens/provider';
import type { TempWorkspace } from './temp-workspace.js';

export const PCM_SAMPLE_RATE = 16_000;
const BYTES_PER_SAMPLE = Float32Array.BYTES_PER_ELEMENT;
/**
 * The one rule for where PCM lives: a recording stays in memory while it is at most this long
 * (5 minutes = 19.2 MB per channel); the moment it grows past it, every channel moves to its own
 * temporary file of raw 32-bit floats and the rest streams there. Memory therefore never exceeds
 * this bound per channel, however long the call.
 */
export const IN_MEMORY_LIMIT_SECONDS = 300;
/** Samples gathered before one write to disk (1 MiB). */
const WRITE_BATCH_SAMPLES = 256 * 1024;
/** Default `chunks()` step: 30 s, Whisper's window. */
const DEFAULT_CHUNK_SAMPLES = 30 * PCM_SAMPLE_RATE;

function concatenate(parts: Float32Array[], length: number): Float32Array {
  if (parts.length === 1 && parts[0]!.length === length) return parts[0]!;
  const joined = new Float32Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

interface ChannelFile {
  path: string;
  handle: FileHandle;
  pending: Float32Array[];
  pendingSamples: number;
}

/** Collects 16 kHz samples channel by channel while decoding runs. */
export class PcmStoreWriter {
  private readonly memory: Float32Array[][];
  private files: ChannelFile[] | undefined;
  private samples = 0;
  private readonly limitSamples: number;

  constructor(
    readonly channelCount: number,
    private readonly workspace: TempWorkspace,
    limitSeconds = IN_MEMORY_LIMIT_SECONDS,
  ) {
    this.memory = Array.from({ length: channelCount }, () => []);
    this.limitSamples = Math.round(limitSeconds * PCM_SAMPLE_RATE);
  }

  get length(): number {
    return this.samples;
  }

  /** Appends the same number of samples to every channel. */
  async append(channels: Float32Array[]): Promise<void> {
    const count = channels[0]?.length ?? 0;
    if (count === 0) return;
    this.samples += count;
    if (!this.files && this.samples > this.limitSamples) await this.spillToFiles();
    for (let channel = 0; channel < this.channelCount; channel++) {
      const samples = channels[channel]!;
      if (!this.files) {
        this.memory[channel]!.push(samples);
        continue;
      }
      const file = this.files[channel]!;
      file.pending.push(samples);
      file.pendingSamples += samples.length;
      if (file.pendingSamples >= WRITE_BATCH_SAMPLES) await this.writePending(file);
    }
  }

  /** Flushes and closes the files (or joins the memory chunks) and returns the readable store. */
  async finish(): Promise<PcmStore> {
    if (!this.files) {
      const channels = this.memory.map((parts) => concatenate(parts, this.samples));
      this.memory.forEach((parts) => {
        parts.length = 0;
      });
      return new PcmStore(this.channelCount, this.samples, { kind: 'memory', channels }, this.workspace);
    }
    for (const file of this.files) {
      await this.writePending(file);
      await file.handle.close();
    }
    const paths = this.files.map((file) => file.path);
    this.files = [];
    return new PcmStore(this.channelCount, this.samples, { kind: 'files', paths }, this.workspace);
  }

  /** Closes open files after a failure (the workspace removal then deletes them). */
  async abandon(): Promise<void> {
    for (const file of this.files ?? []) await file.handle.close().catch(() => {});
    this.files = [];
    this.memory.forEach((parts) => {
      parts.length = 0;
    });
  }

  private async spillToFiles(): Promise<void> {
    const directory = await this.workspace.directory();
    const files: ChannelFile[] = [];
    for (let channel = 0; channel < this.channelCount; channel++) {
      const path = join(directory, `channel-${channel}.f32`);
      const handle = await open(path, 'w');
      const file: ChannelFile = { path, handle, pending: this.memory[channel]!, pendingSamples: 0 };
      file.pendingSamples = file.pending.reduce((sum, part) => sum + part.length, 0);
      this.memory[channel] = [];
      files.push(file);
      await this.writePending(file);
    }
    this.files = files;
  }

  private async writePending(file: ChannelFile): Promise<void> {
    if (file.pendingSamples === 0) return;
    const batch = concatenate(file.pending, file.pendingSamples);
    file.pending = [];
    file.pendingSamples = 0;
    const bytes = new Uint8Array(batch.buffer, batch.byteOffset, batch.byteLength);
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await file.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  }
}

type Backing = { kind: 'memory'; channels: Float32Array[] } | { kind: 'files'; paths: string[] };

/** Finished 16 kHz PCM, in memory or in temporary files. */
export class PcmStore {
  private backing: Backing | undefined;

  constructor(
    readonly channelCount: number,
    readonly length: number,
    backing: Backing,
    private readonly workspace: TempWorkspace,
  ) {
    this.backing = backing;
  }

  get onDisk(): boolean {
    return this.backing?.kind === 'files';
  }

  /** Samples [start, end) of one channel, exactly as stored (no gain). Always a fresh array. */
  async readRaw(channel: number, start: number, end: number): Promise<Float32Array> {
    const backing = this.backing;
    if (!backing) throw new InvalidInputError('the prepared audio was disposed; its samples are gone');
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.channelCount) {
      throw new InvalidInputError(`channel ${channel} does not exist (the audio has ${this.channelCount})`);
    }
    const from = Math.max(0, Math.min(this.length, Math.floor(start)));
    const to = Math.max(from, Math.min(this.length, Math.ceil(end)));
    if (backing.kind === 'memory') return backing.channels[channel]!.slice(from, to);

    const samples = new Float32Array(to - from);
    if (samples.length === 0) return samples;
    const handle = await open(backing.paths[channel]!, 'r');
    try {
      const bytes = new Uint8Array(samples.buffer);
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(
          bytes,
          read,
          bytes.length - read,
          from * BYTES_PER_SAMPLE + read,
        );
        if (bytesRead === 0) break;
        read += bytesRead;
      }
    } finally {
      await handle.close();
    }
    return samples;
  }

  /** A reader that multiplies every sample by the channel's gain (in dB) as it is read. */
  reader(gainsDb: number[]): PcmReader {
    return new GainPcmReader(this, gainsDb);
  }

  /** Drops the samples and deletes the temporary files; safe to call twice. */
  async dispose(): Promise<void> {
    this.backing = undefined;
    await this.workspace.remove();
  }
}

class GainPcmReader implements PcmReader {
  readonly sampleRate = PCM_SAMPLE_RATE;
  private readonly linearGains: number[];

  constructor(
    private readonly store: PcmStore,
    gainsDb: number[],
  ) {
    this.linearGains = Array.from(
      { length: store.channelCount },
      (_, channel) => 10 ** ((gainsDb[channel] ?? 0) / 20),
    );
  }

  get channelCount(): number {
    return this.store.channelCount;
  }

  get length(): number {
    return this.store.length;
  }

  async read(channel: number, start: number, end: number): Promise<Float32Array> {
    const samples = await this.store.readRaw(channel, start, end);
    const gain = this.linearGains[channel]!;
    if (gain !== 1) {
      for (let index = 0; index < samples.length; index++) samples[index] = samples[index]! * gain;
    }
    return samples;
  }

  async *chunks(
    channel: number,
    options: { chunkSamples?: number; start?: number; end?: number } = {},
  ): AsyncIterable<Float32Array> {
    const step = Math.max(1, Math.floor(options.chunkSamples ?? DEFAULT_CHUNK_SAMPLES));
    const end = Math.min(this.length, options.end ?? this.length);
    for (let position = Math.max(0, options.start ?? 0); position < end; position += step) {
      yield await this.read(channel, position, Math.min(end, position + step));
    }
  }
}
