import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AudioDecodeError, MissingDependencyError, UnsupportedFormatError } from '@echolens/provider';
import { type DecodeContext, type PcmBlock, warnDecoding } from './types.js';
import { decodeWav } from './wav.js';

export interface FfmpegDecodeOptions {
  /** ffmpeg executable (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
  /** ffmpeg reads a file (not a pipe): MP4/M4A may keep their index at the end, which needs seeking. */
  path: string;
  /** What the bytes looked like to us; 'unknown' makes a failed probe an UnsupportedFormatError. */
  expectedFormat: string;
  /** Called once ffmpeg has described the input: the audio codec and, when it knows, the duration. */
  onStreamInfo?: (info: { codec: string; durationSec?: number }) => void;
}

/** `[mov,mp4 @ 0x55…] [error] moov atom not found` → level `error`, text `moov atom not found`. */
const LOG_LINE = /^(?:\[[^\]]+ @ 0x[0-9a-f]+\] )?\[(\w+)\] (.*)$/;

/**
 * What ffmpeg said on stderr, digested line by line (a long decode can print a lot): the first and
 * last error, the demuxer and codec it chose, and whether any packet failed to decode.
 */
class FfmpegLog {
  firstError: string | undefined;
  lastError: string | undefined;
  lastLine: string | undefined;
  demuxer: string | undefined;
  codec: string | undefined;
  durationSec: number | undefined;
  decodeErrors = 0;
  misdetected = false;
  noAudioStream = false;
  private partial = '';

  constructor(private readonly hide: { path: string; name: string }) {}

  push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.digest(line.trim());
  }

  end(): void {
    this.digest(this.partial.trim());
    this.partial = '';
  }

  private digest(rawLine: string): void {
    if (!rawLine) return;
    // Messages quote the input path: show the caller's name instead of a temporary copy's path.
    const line = rawLine.split(this.hide.path).join(this.hide.name);
    const match = LOG_LINE.exec(line);
    const level = match?.[1];
    // "<input>: Invalid argument": the error already names the input.
    const full = (match?.[2] ?? line).trim();
    const message = full.startsWith(`${this.hide.name}: `) ? full.slice(this.hide.name.length + 2) : full;
    this.lastLine = message;
    this.demuxer ??= /^Input #0, ([^,]+(?:,[^,\s]+)*), from/.exec(message)?.[1];
    this.codec ??= /Stream #0:\d+.*?: Audio: ([\w-]+)/.exec(message)?.[1];
    const duration = /^Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(message);
    if (duration)
      this.durationSec ??= Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
    if (message.includes('misdetection possible')) this.misdetected = true;
    if (message.includes('matches no streams')) this.noAudioStream = true;
    if (level === 'error' || level === 'fatal') {
      this.firstError ??= message;
      this.lastError = message;
      if (message.startsWith('Error while decoding stream')) this.decodeErrors++;
    }
  }

  /** The last error line, with the first one when it names a different (usually the real) cause. */
  describe(exitCode: number | null): string {
    const last = this.lastError ?? this.lastLine ?? `exit code ${exitCode}`;
    return this.firstError && this.firstError !== last ? `${last} (first error: ${this.firstError})` : last;
  }
}

function installHint(): string {
  return 'install it (Debian/Ubuntu: `apt-get install ffmpeg`, macOS: `brew install ffmpeg`, Windows: `winget install ffmpeg`) or pass `ffmpegPath`';
}

/**
 * Decodes anything ffmpeg understands by running it as a child process that writes 32-bit float WAV
 * to stdout at the source's own rate and channel count; our WAV reader and resampler take it from
 * there, so every route shares one resampler and one channel layout rule.
 */
export async function* decodeWithFfmpeg(
  options: FfmpegDecodeOptions,
  context: DecodeContext,
): AsyncGenerator<PcmBlock> {
  const executable = options.ffmpegPath ?? 'ffmpeg';
  const file = context.name;
  // `level` prefixes each line with its severity, so errors can be told from stream information.
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'repeat+level+info', '-i', options.path];
  args.push('-map', '0:a:0', '-vn', '-sn', '-dn', '-f', 'wav', '-c:a', 'pcm_f32le', 'pipe:1');

  const child: ChildProcess = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new FfmpegLog({ path: options.path, name: file });
  let codecReported = false;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    log.push(text);
    if (log.codec && !codecReported) {
      codecReported = true;
      options.onStreamInfo?.({ codec: log.codec, durationSec: log.durationSec });
    }
  });

  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = (once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>).then((result) => {
    log.end(); // 'close' comes after stderr has ended
    return result;
  });
  exited.catch(() => {}); // a spawn failure is reported through `spawned`

  try {
    await spawned;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MissingDependencyError(
        'ffmpeg',
        `decoding ${options.expectedFormat} audio needs ffmpeg, which was not found (looked for "${executable}"); ${installHint()}`,
        { file, cause: error },
      );
    }
    throw new AudioDecodeError(`could not start ffmpeg ("${executable}"): ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }

  const probing = options.expectedFormat === 'unknown';
  const failure = (exitCode: number | null) => {
    const detail = log.describe(exitCode);
    if (probing) {
      const guess = log.demuxer ? `ffmpeg guessed "${log.demuxer}" but ` : 'ffmpeg: ';
      return new UnsupportedFormatError(`not a recognised audio format (${guess}${detail})`, {
        file,
        detectedFormat: 'unknown',
      });
    }
    if (log.noAudioStream) return new AudioDecodeError('the file contains no audio stream', { file });
    return new AudioDecodeError(`ffmpeg could not decode it: ${detail}`, { file });
  };
  // Bytes we could not place are only accepted if ffmpeg recognises them with confidence and decodes
  // every packet: otherwise it may "decode" noise as, say, headerless AMR.
  const probeFailed = () =>
    probing && (log.misdetected || log.decodeErrors > 0 || log.firstError !== undefined);

  try {
    try {
      yield* decodeWav(child.stdout!, context);
    } catch (error) {
      // When ffmpeg gives up, its stdout is short or empty: its own message says more than ours.
      const [exitCode] = await exited;
      if (exitCode !== 0 || probeFailed()) throw failure(exitCode);
      throw error;
    }
    const [exitCode] = await exited;
    if (exitCode !== 0 || probeFailed()) throw failure(exitCode);
    if (log.decodeErrors > 0) {
      warnDecoding(
        context,
        `ffmpeg skipped ${log.decodeErrors} damaged packet(s) (${log.firstError}); the audio has gaps`,
        { decodeErrors: log.decodeErrors, firstError: log.firstError },
      );
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited.catch(() => {});
    }
  }
}
