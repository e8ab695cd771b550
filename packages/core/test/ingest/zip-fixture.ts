import { once } from 'node:events';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { ZipFile } from 'yazl';

export interface ZipEntrySpec {
  name: string;
  /** File on disk or bytes. */
  from: string | Buffer;
  compress?: boolean;
}

/**
 * Writes a ZIP archive. Names yazl refuses (`../x`) are written under a same-length stand-in and
 * patched in the finished bytes, as a hostile archiver would leave them.
 */
export async function writeZip(path: string, entries: ZipEntrySpec[]): Promise<void> {
  const zip = new ZipFile();
  const patches: [string, string][] = [];
  for (const entry of entries) {
    let name = entry.name;
    if (name.startsWith('../')) {
      const standIn = `zz/${name.slice(3)}`;
      patches.push([standIn, name]);
      name = standIn;
    }
    const body = typeof entry.from === 'string' ? readFileSync(entry.from) : entry.from;
    zip.addBuffer(body, name, { compress: entry.compress ?? true });
  }
  zip.end();
  const output = createWriteStream(path);
  zip.outputStream.pipe(output);
  await once(output, 'close');
  if (patches.length === 0) return;
  let bytes = readFileSync(path);
  for (const [standIn, name] of patches) {
    bytes = Buffer.from(bytes.toString('latin1').split(standIn).join(name), 'latin1');
  }
  writeFileSync(path, bytes);
}

/**
 * Makes the central directory understate one entry's uncompressed size, as a zip bomb that lies about
 * its sizes does: the ratio check passes, and only reading the entry shows the truth.
 */
export function understateSize(path: string, entryName: string, declared: number): void {
  const bytes = readFileSync(path);
  const name = Buffer.from(entryName);
  for (let offset = bytes.length - 46; offset >= 0; offset--) {
    if (bytes.readUInt32LE(offset) !== 0x02014b50) continue; // central directory file header
    const nameLength = bytes.readUInt16LE(offset + 28);
    if (bytes.subarray(offset + 46, offset + 46 + nameLength).equals(name)) {
      bytes.writeUInt32LE(declared, offset + 24);
      writeFileSync(path, bytes);
      return;
    }
  }
  throw new Error(`${entryName} not found in ${path}`);
}
