import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { metadataFrom } from '../http/ingest.js';
import { HttpProblem } from '../http/problem.js';
import { callDetail } from './calls.js';

const TurnSchema = z.object({
  speaker: z.enum(['agent', 'customer']),
  text: z.string().min(1),
  startSec: z.number().nonnegative().optional(),
  endSec: z.number().nonnegative().optional(),
});

export const ConversationRequestSchema = z
  .object({
    name: z.string().max(200).optional(),
    /** The conversation as turns… */
    turns: z.array(TurnSchema).min(1).max(5000).optional(),
    /** …or as text, one turn per line: `Agent: …` / `Customer: …`. */
    text: z.string().max(1_000_000).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((body) => Boolean(body.turns) !== Boolean(body.text), { message: 'give either turns or text' });

/** `Agent: …` / `Customer: …` lines (also `A:` / `C:`); a line without a speaker continues the turn before. */
export function turnsFromText(text: string): z.infer<typeof TurnSchema>[] {
  const turns: z.infer<typeof TurnSchema>[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const match = /^\s*(agent|customer|a|c)\s*:\s*(.*)$/i.exec(line);
    if (match) {
      const speaker = (match[1] as string).toLowerCase().startsWith('a') ? 'agent' : 'customer';
      turns.push({ speaker, text: (match[2] as string).trim() });
    } else if (turns.length > 0) {
      const last = turns.at(-1) as z.infer<typeof TurnSchema>;
      last.text = `${last.text} ${line.trim()}`;
    } else {
      throw new HttpProblem(
        400,
        'invalid_request',
        `the first line must name its speaker ("Agent:" or "Customer:"): "${line.slice(0, 60)}"`,
      );
    }
  }
  const spoken = turns.filter((turn) => turn.text !== '');
  if (spoken.length === 0) throw new HttpProblem(400, 'invalid_request', 'the conversation has no turns');
  return spoken;
}

/** POST /api/conversations — a chat log or an existing transcript, analysed at once (no audio stages). */
export function conversationsRouter(context: AppContext): Router {
  const router = Router();
  router.post('/', async (request, response) => {
    const body = ConversationRequestSchema.parse(request.body);
    const metadata = metadataFrom(body as Record<string, unknown>);
    const id = randomUUID();
    const turns = body.turns ?? turnsFromText(body.text as string);
    const result = await context.pipeline.analyzeConversation({ id, turns, metadata });
    await context.calls.insert({
      id,
      name: body.name ?? `conversation ${id.slice(0, 8)}`,
      kind: 'text',
      status: 'analyzing',
      metadata,
    });
    await context.calls.storeResult(id, result);
    context.work.announce({ id, status: 'done', stage: null, progress: 1, error: null });
    const row = await context.calls.get(id);
    response
      .status(201)
      .location(`/api/calls/${id}`)
      .json(callDetail(row as NonNullable<typeof row>));
  });
  return router;
}
