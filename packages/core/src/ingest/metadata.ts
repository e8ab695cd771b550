import { type CallMetadata, CallMetadataSchema, InvalidInputError } from '@echolens/provider';

/**
 * Named groups a file-name pattern may use, and the metadata field each fills. The short names are
 * what people write (`(?<agent>…)_(?<customer>…)_(?<date>…)`); the field names work too.
 */
const GROUP_FIELDS: Record<string, 'callId' | 'agentId' | 'customerId' | 'startedAt'> = {
  callId: 'callId',
  call: 'callId',
  id: 'callId',
  agentId: 'agentId',
  agent: 'agentId',
  customerId: 'customerId',
  customer: 'customerId',
  startedAt: 'startedAt',
  date: 'startedAt',
};

/** A `--metadata-pattern` string or RegExp, checked to name at least one known group. */
export function compileMetadataPattern(pattern: string | RegExp): RegExp {
  let compiled: RegExp;
  try {
    compiled = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  } catch (error) {
    throw new InvalidInputError(
      `metadata pattern is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  const groups = [...compiled.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map(
    (match) => match[1] as string,
  );
  if (!groups.some((group) => group in GROUP_FIELDS)) {
    throw new InvalidInputError(
      `metadata pattern ${compiled} names none of the groups ${Object.keys(GROUP_FIELDS).join(', ')}`,
    );
  }
  return compiled;
}

/**
 * A date from a file name as ISO 8601: `2024-03-07`, `20240307`, `20240307-142501`,
 * `2024-03-07T14:25:01Z`, `2024-03-07_14-25-01`… Times without a zone are taken as UTC, so the same
 * file name gives the same timestamp on every machine. Undefined when it is not a date.
 */
export function parseFileNameDate(text: string): string | undefined {
  const compact =
    /^(\d{4})-?(\d{2})-?(\d{2})(?:[T_ -]?(\d{2})[-:.]?(\d{2})(?:[-:.]?(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!compact) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', zone = 'Z'] = compact;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  // Date.parse rolls 2024-02-31 over to March; a real date survives the round trip.
  if (zone === 'Z' && date.getUTCDate() !== Number(day)) return undefined;
  return date.toISOString();
}

/** Metadata from a recording's base name (extension removed) by the pattern's named groups. */
export function metadataFromFileName(
  baseName: string,
  pattern: RegExp,
): { metadata: CallMetadata; problem?: string } {
  const match = pattern.exec(baseName);
  if (!match?.groups)
    return { metadata: {}, problem: `the file name does not match the metadata pattern ${pattern}` };
  const metadata: CallMetadata = {};
  let problem: string | undefined;
  for (const [group, value] of Object.entries(match.groups)) {
    const field = GROUP_FIELDS[group];
    if (!field || value === undefined || value === '') continue;
    if (field === 'startedAt') {
      const iso = parseFileNameDate(value);
      if (iso) metadata.startedAt = iso;
      else
        problem = `"${value}" in the file name is not a date (expected e.g. 2024-03-07 or 20240307-142501)`;
    } else {
      metadata[field] = value;
    }
  }
  return problem ? { metadata, problem } : { metadata };
}

/** A sidecar's JSON as call metadata; the reason when it is not valid metadata. */
export function parseSidecar(text: string): { metadata: CallMetadata } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `the metadata sidecar is not valid JSON (${(error as Error).message})` };
  }
  const parsed = CallMetadataSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    return { problem: `the metadata sidecar is not call metadata (${issues.join('; ')})` };
  }
  return { metadata: parsed.data };
}

/** Names a sidecar may have beside `call.wav`: `call.wav.json`, then `call.json`. */
export function sidecarNames(fileName: string): string[] {
  const base = fileName.replace(/\.[^./]+$/, '');
  return [`${fileName}.json`, `${base}.json`];
}
