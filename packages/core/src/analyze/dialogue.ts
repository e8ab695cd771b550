import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CallMetadataSchema, InvalidInputError } from '@echolens/provider';
import { z } from 'zod';
import type { Conversation, Speaker } from '../schema/conversation.js';

/**
 * A conversation given as text (a chat log or an existing transcript) instead of audio: the
 * `echolens analyze --dialogues` line format. Extra fields per turn and per dialogue are ignored, so
 * exports from other tools can be fed in as they are.
 */
export const DialogueTurnSchema = z.looseObject({
  speaker: z.enum(['agent', 'customer']),
  text: z.string(),
  /** Optional timing, when the log has it (seconds from the start). */
  startSec: z.number().nonnegative().optional(),
  endSec: z.number().nonnegative().optional(),
});
export const DialogueSchema = z.looseObject({
  id: z.string().min(1).optional(),
  turns: z.array(DialogueTurnSchema).min(1, 'a dialogue needs at least one turn'),
  metadata: CallMetadataSchema.optional(),
});
export type Dialogue = z.input<typeof DialogueSchema>;

/**
 * Bounds on text input, so one pasted file or a runaway export cannot stall a batch. Defaults:
 * 100,000 characters per turn (about 15,000 words: over an hour of one person talking without a pause;
 * more is a document pasted into a turn) and 10,000 turns (a four-hour call with a turn every 1.5 s).
 */
export const DialogueLimitsSchema = z.object({
  maxTurnCharacters: z.number().int().positive().default(100_000),
  maxTurns: z.number().int().positive().default(10_000),
});
export type DialogueLimits = z.input<typeof DialogueLimitsSchema>;

/** The first limit a dialogue exceeds, described, or undefined. */
function exceededLimit(
  dialogue: { turns: readonly { text: string }[] },
  limits: DialogueLimits,
): string | undefined {
  const { maxTurnCharacters, maxTurns } = DialogueLimitsSchema.parse(limits);
  if (dialogue.turns.length > maxTurns) {
    return `${dialogue.turns.length.toLocaleString('en-US')} turns, more than the limit of ${maxTurns.toLocaleString('en-US')} (maxTurns)`;
  }
  const index = dialogue.turns.findIndex((turn) => turn.text.length > maxTurnCharacters);
  if (index < 0) return undefined;
  const length = dialogue.turns[index]?.text.length ?? 0;
  return `turn ${index + 1} has ${length.toLocaleString('en-US')} characters, more than the limit of ${maxTurnCharacters.toLocaleString('en-US')} (maxTurnCharacters)`;
}

/**
 * The conversation of a text dialogue: turns `t1…tN` in order, roles from the input. Refuses a dialogue
 * over `limits` (see `DialogueLimitsSchema` for the defaults) with an InvalidInputError.
 */
export function conversationFromDialogue(
  dialogue: Dialogue,
  callId: string,
  limits: DialogueLimits = {},
): Conversation {
  const parsed = DialogueSchema.safeParse(dialogue);
  if (!parsed.success) {
    const detail = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'dialogue'}: ${issue.message}`,
    );
    throw new InvalidInputError(`Invalid dialogue: ${detail.join('; ')}`, { file: callId });
  }
  const exceeded = exceededLimit(parsed.data, limits);
  if (exceeded) throw new InvalidInputError(`Dialogue too large: ${exceeded}`, { file: callId });
  const turns = parsed.data.turns
    .filter((turn) => turn.text.trim().length > 0)
    .map((turn, index) => ({
      id: `t${index + 1}`,
      speaker: turn.speaker,
      role: turn.speaker,
      text: turn.text.trim(),
      ...(turn.startSec !== undefined ? { startSec: turn.startSec } : {}),
      ...(turn.endSec !== undefined ? { endSec: turn.endSec } : {}),
    }));
  if (turns.length === 0)
    throw new InvalidInputError('Invalid dialogue: every turn is empty', { file: callId });
  const speakers: Speaker[] = [...new Set(turns.map((turn) => turn.role))].map((role) => ({
    id: role,
    role,
    roleConfidence: 1,
    roleSource: 'input',
  }));
  const timed = turns.every((turn) => turn.endSec !== undefined);
  return {
    callId,
    ...(parsed.data.metadata?.language ? { language: parsed.data.metadata.language } : {}),
    // A loop, not Math.max(...spread): spreading 100,000+ values overflows the call stack.
    ...(timed ? { durationSec: turns.reduce((latest, turn) => Math.max(latest, turn.endSec ?? 0), 0) } : {}),
    speakers,
    turns,
  };
}

/**
 * Reads a JSON-lines file of dialogues, line by line. A malformed line, or a dialogue over `limits`, is
 * reported with its line number and does not stop the others from being read.
 */
export async function readDialogues(
  path: string,
  limits: DialogueLimits = {},
): Promise<{
  dialogues: { line: number; dialogue: Dialogue }[];
  errors: { line: number; error: InvalidInputError }[];
}> {
  const dialogues: { line: number; dialogue: Dialogue }[] = [];
  const errors: { line: number; error: InvalidInputError }[] = [];
  let line = 0;
  try {
    const lines = createInterface({
      input: createReadStream(path, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const raw of lines) {
      line++;
      if (!raw.trim()) continue;
      try {
        const value = JSON.parse(raw) as unknown;
        const parsed = DialogueSchema.safeParse(value);
        if (!parsed.success) {
          const detail = parsed.error.issues.map(
            (issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`,
          );
          throw new Error(detail.join('; '));
        }
        const exceeded = exceededLimit(parsed.data, limits);
        if (exceeded) throw new Error(`dialogue too large: ${exceeded}`);
        dialogues.push({ line, dialogue: value as Dialogue });
      } catch (error) {
        errors.push({
          line,
          error: new InvalidInputError(`line ${line}: ${(error as Error).message}`, {
            file: path,
            cause: error,
          }),
        });
      }
    }
  } catch (error) {
    throw new InvalidInputError(`cannot read the dialogues file (${(error as Error).message})`, {
      file: path,
      cause: error,
    });
  }
  return { dialogues, errors };
}
