/** The dashboard's view of the server's API. The session is an HttpOnly cookie: no key in page scripts. */

export type CallStatus = 'pending' | 'transcribing' | 'transcribed' | 'analyzing' | 'done' | 'failed';

export interface CallSummary {
  id: string;
  name: string;
  kind: 'audio' | 'text';
  status: CallStatus;
  stage: string | null;
  progress: number;
  error: { code: string; message: string } | null;
  agentId: string | null;
  customerId: string | null;
  callTime: string;
  topic: string | null;
  customerSentiment: number | null;
  durationSec: number | null;
}

export interface Evidence {
  turnIds: string[];
  quote: string;
  startSec?: number;
  endSec?: number;
}

export interface Turn {
  id: string;
  speaker: string;
  role: string;
  startSec?: number;
  endSec?: number;
  text: string;
}

export interface Segment {
  id: string | number;
  startSec: number;
  endSec: number;
  text: string;
  speaker?: string;
}

// The analysis is shown as it comes: typed loosely on purpose, so new fields never break the page.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Analysis = any;

export interface CallDetail extends CallSummary {
  metadata: Record<string, unknown>;
  audioUrl: string | null;
  transcript: { language: string; durationSec: number; segments: Segment[] } | null;
  conversation: { turns: Turn[]; speakers: { id: string; role: string }[] } | null;
  analysis: Analysis | null;
  provenance: Analysis | null;
}

export interface CallUpdate {
  id: string;
  status: CallStatus | 'deleted';
  stage: string | null;
  progress: number;
  error: { code: string; message: string } | null;
}

export class Unauthorized extends Error {}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', ...init });
  if (response.status === 401) throw new Unauthorized('sign in');
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(problem.detail ?? `${response.status} ${response.statusText}`, response.status);
  }
  if (response.status === 204) return undefined as T;
  return response.json() as Promise<T>;
}

export const postJson = <T>(path: string, body?: unknown) =>
  api<T>(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Uploads with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function uploadFiles(
  files: File[],
  fields: Record<string, string>,
  onProgress: (fraction: number) => void,
): Promise<{ calls: { id: string; name: string; status: string; error?: { message: string } }[] }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value) form.append(name, value);
  for (const file of files) form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/calls');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = JSON.parse(request.responseText || '{}');
      if (request.status === 202) resolve(body);
      else if (request.status === 401) reject(new Unauthorized('sign in'));
      else reject(new ApiError(body.detail ?? `upload failed (${request.status})`, request.status));
    };
    request.onerror = () => reject(new ApiError('upload failed: network error', 0));
    request.send(form);
  });
}

/** Live status of every call, from the server's event stream. */
export function subscribeToCalls(listener: (update: CallUpdate) => void): () => void {
  const source = new EventSource('/api/events');
  source.addEventListener('call', (event) => listener(JSON.parse((event as MessageEvent).data)));
  return () => source.close();
}

export const formatTime = (seconds: number | undefined | null) => {
  if (seconds === undefined || seconds === null) return '';
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
};
