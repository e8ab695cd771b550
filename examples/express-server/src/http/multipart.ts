import busboy from 'busboy';
import type { Request } from 'express';
import { HttpProblem } from './problem.js';
import { discard, type ReceivedFile, receiveToFile } from './recordings.js';

/**
 * Reads a multipart/form-data request: every file part to a temporary file (size-limited while it
 * streams), every other part as a text field. On any failure the files already written are removed.
 */
export async function readMultipart(
  request: Request,
  options: { tmpDir: string; maxBytes: number; maxFiles: number },
): Promise<{ files: ReceivedFile[]; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  const pending: Promise<ReceivedFile>[] = [];
  let parser: busboy.Busboy;
  try {
    // One byte over the limit reaches our own meter, which answers 413 (busboy alone would truncate).
    parser = busboy({
      headers: request.headers,
      limits: { fileSize: options.maxBytes + 1, files: options.maxFiles, fields: 50, fieldSize: 64 * 1024 },
    });
  } catch (error) {
    throw new HttpProblem(400, 'invalid_request', `not a multipart request: ${(error as Error).message}`);
  }
  let fileFailed: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fileFailed = reject;
  });
  const finished = new Promise<void>((resolve, reject) => {
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      const received = receiveToFile(stream, info.filename || 'recording', options);
      received.catch((error) => {
        stream.resume();
        fileFailed(error);
      });
      pending.push(received);
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('filesLimit', () =>
      reject(
        new HttpProblem(
          413,
          'too_many_files',
          `at most ${options.maxFiles} files per request; send a ZIP for more`,
        ),
      ),
    );
    parser.on('error', (error: Error) =>
      reject(new HttpProblem(400, 'invalid_request', `malformed multipart body: ${error.message}`)),
    );
    parser.on('close', () => resolve());
  });
  request.pipe(parser);
  let failure: unknown;
  try {
    await Promise.race([finished, failed]);
  } catch (error) {
    failure = error;
  }
  const settled = await Promise.allSettled(pending);
  const files = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  failure ??= settled.find((outcome) => outcome.status === 'rejected')?.reason;
  if (failure) {
    await Promise.all(files.map(discard));
    // Read the rest of the body so the answer reaches a client that is still sending.
    request.unpipe(parser);
    request.resume();
    throw failure;
  }
  if (files.length === 0)
    throw new HttpProblem(
      400,
      'invalid_request',
      'no file: send the recording in the multipart field "file"',
    );
  return { files, fields };
}
