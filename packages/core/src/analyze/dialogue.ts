import { readFile } from 'node:fs/promises';
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

/** The conversation of a text dialogue: turns `t1…tN` in order, roles from the input. */
export function conversationFromDialogue(dialogue: Dialogue, callId: string): Conversation {
  const parsed = DialogueSchema.safeParse(dialogue);
  if (!parsed.success) {
    const detail = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'dialogue'}: ${issue.message}`,
    );
    throw new InvalidInputError(`Invalid dialogue: ${detail.join('; ')}`, { file: callId });
  }
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
    ...(timed ? { durationSec: Math.max(...turns.map((turn) => turn.endSec ?? 0)) } : {}),
    speakers,
    turns,
  };
}

/**
 * Reads a JSON-lines file of dialogues. A malformed line is reported with its line number and does not
 * stop the others from being read.
 */
export async function readDialogues(path: string): Promise<{
  dialogues: { line: number; dialogue: Dialogue }[];
  errors: { line: number; error: InvalidInputError }[];
}> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read the dialogues file (${(error as Error).message})`, {
      file: path,
      cause: error,
    });
  }
  const dialogues: { line: number; dialogue: Dialogue }[] = [];
  const errors: { line: number; error: InvalidInputError }[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    try {
      const value = JSON.parse(raw) as unknown;
      const parsed = DialogueSchema.safeParse(value);
      if (!parsed.success) {
        const detail = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`,
        );
        throw new Error(detail.join('; '));
      }
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
  });
  return { dialogues, errors };
}
