import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Readable } from 'node:stream';
import { HttpProblem } from './problem.js';
import { type ReceivedFile, receiveToFile } from './recordings.js';

/** Addresses a server must not be made to fetch from on a caller's behalf (SSRF). */
const PRIVATE = new BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  PRIVATE.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['::ffff:0:0', 96],
] as const)
  PRIVATE.addSubnet(address, prefix, 'ipv6');

async function assertPublic(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  for (const { address, family } of addresses) {
    if (PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4'))
      throw new HttpProblem(
        400,
        'url_not_allowed',
        `${url.host} is a private or loopback address; set ECHOLENS_ALLOW_PRIVATE_URLS=1 to import from it`,
      );
  }
}

/** Fetches a recording from an http(s) URL into a temporary file, following at most 3 redirects. */
export async function fetchRecording(
  address: string,
  options: { tmpDir: string; maxBytes: number; allowPrivate: boolean; signal?: AbortSignal },
): Promise<ReceivedFile> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new HttpProblem(400, 'invalid_request', `"${address}" is not a URL`);
  }
  for (let hop = 0; hop <= 3; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new HttpProblem(400, 'url_not_allowed', 'only http and https URLs can be imported');
    if (!options.allowPrivate) await assertPublic(url);
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: 'manual',
        signal: options.signal ?? AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new HttpProblem(422, 'url_unreachable', `cannot fetch ${url.href}: ${(error as Error).message}`);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      continue;
    }
    if (!response.ok || !response.body)
      throw new HttpProblem(422, 'url_unreachable', `fetching ${url.href} answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    const name = decodeURIComponent(url.pathname.split('/').at(-1) || 'recording');
    if (declared > options.maxBytes) {
      await response.body.cancel();
      throw new HttpProblem(413, 'payload_too_large', `${name} is larger than the upload limit`);
    }
    return receiveToFile(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      name,
      options,
    );
  }
  throw new HttpProblem(422, 'url_unreachable', `too many redirects from ${address}`);
}
