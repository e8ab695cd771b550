import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AudioDecodeError, MissingDependencyError, UnsupportedFormatError } from '../../errors/index.js';
import type { DecodeContext, PcmBlock } from './types.js';
import { decodeWav } from './wav.js';

export interface FfmpegDecodeOptions {
  /** ffmpeg executable (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
  /** ffmpeg reads a file (not a pipe): MP4/M4A may keep their index at the end, which needs seeking. */
  path: string;
  /** What the bytes looked like to us; 'unknown' makes a failed probe an UnsupportedFormatError. */
  expectedFormat: string;
  /** Called once ffmpeg has named the codec of the audio stream. */
  onCodec?: (codec: string) => void;
}

const STDERR_LINES_KEPT = 40;

/** Last lines of ffmpeg's stderr, for error messages (without growing with a long decode's output). */
class StderrTail {
  readonly lines: string[] = [];
  private partial = '';

  push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      this.lines.push(line.trim());
      if (this.lines.length > STDERR_LINES_KEPT) this.lines.shift();
    }
  }

  /** The most telling line: the last error-level message, else the last line. */
  lastError(): string | undefined {
    const all = this.partial.trim() ? [...this.lines, this.partial.trim()] : this.lines;
    const errors = all.filter((line) => /^\[(error|fatal)\]/.test(line));
    const chosen = errors.at(-1) ?? all.at(-1);
    return chosen?.replace(/^\[\w+\]\s*/, '');
  }

  includes(fragment: string): boolean {
    return this.lines.some((line) => line.includes(fragment));
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
  const stderr = new StderrTail();
  let codecReported = false;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr.push(text);
    if (!codecReported) {
      const match = /Stream #0:\d+.*?: Audio: ([\w-]+)/.exec(stderr.lines.join('\n'));
      if (match) {
        codecReported = true;
        options.onCodec?.(match[1]!);
      }
    }
  });

  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
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

  const failure = (exitCode: number | null) => {
    const detail = stderr.lastError() ?? `exit code ${exitCode}`;
    const unreadable = stderr.includes('Invalid data found when processing input');
    const misdetected = stderr.includes('misdetection possible');
    if (options.expectedFormat === 'unknown' && (unreadable || misdetected)) {
      return new UnsupportedFormatError(`not a recognised audio format (ffmpeg: ${detail})`, {
        file,
        detectedFormat: 'unknown',
      });
    }
    if (stderr.includes('matches no streams')) {
      return new AudioDecodeError('the file contains no audio stream', { file });
    }
    return new AudioDecodeError(`ffmpeg could not decode it: ${detail}`, { file });
  };

  try {
    try {
      yield* decodeWav(child.stdout!, context);
    } catch (error) {
      // When ffmpeg gives up, its stdout is short or empty: its own message says more than ours.
      const [exitCode] = await exited;
      if (exitCode !== 0) throw failure(exitCode);
      throw error;
    }
    const [exitCode] = await exited;
    if (exitCode !== 0) throw failure(exitCode);
    if (options.expectedFormat === 'unknown' && stderr.includes('misdetection possible')) {
      throw failure(exitCode);
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited.catch(() => {});
    }
  }
}
