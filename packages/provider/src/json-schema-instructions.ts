import type { JsonSchema } from './language-model.js';

/**
 * The system-prompt addition for a model that has only a JSON mode (or none): without a schema in the
 * request, the schema has to be in the prompt. Adapters append this to the system prompt in that case.
 */
export function jsonSchemaInstructions(jsonSchema: JsonSchema, schemaName: string): string {
  return (
    `Answer with one JSON object, and nothing else, that is a valid "${schemaName}" according to this JSON Schema. ` +
    `Every property listed in "required" must be present; use null where a property allows it and there is nothing to say.\n` +
    JSON.stringify(jsonSchema)
  );
}
