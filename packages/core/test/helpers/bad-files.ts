import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from './data.js';

/**
 * A folder with the kinds of bad input a real batch meets, beside copies of good recordings:
 * a zero-byte file, a WAV cut off mid-data, a text file named .wav, and a PNG named .mp3.
 */
export function makeMixedBatchFolder(goodFiles: string[]): {
  folder: string;
  good: string[];
  bad: Record<string, string>;
} {
  const folder = mkdtempSync(join(tmpdir(), 'echolens-batch-'));
  const good = goodFiles.map((file) => {
    const target = join(folder, file.split('/').at(-1) as string);
    copyFileSync(file, target);
    return target;
  });
  const wav = readFileSync(dataPath('asr', 'audio', 'jfk.wav'));
  const bad = {
    empty: join(folder, 'empty.wav'),
    truncated: join(folder, 'truncated.wav'),
    text: join(folder, 'notes.wav'),
    image: join(folder, 'picture.mp3'),
  };
  writeFileSync(bad.empty, Buffer.alloc(0));
  writeFileSync(bad.truncated, wav.subarray(0, Math.floor(wav.length / 3)));
  writeFileSync(bad.text, 'Call notes: customer asked about the refund.\nFollow up Monday.\n');
  // A minimal valid PNG header and IHDR chunk: clearly an image, not audio.
  writeFileSync(
    bad.image,
    Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001',
      'hex',
    ),
  );
  return { folder, good, bad };
}
