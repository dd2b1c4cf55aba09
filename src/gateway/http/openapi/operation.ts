import { z } from 'zod';
import { ref, type Json } from './components.js';

const schemaOf = (s: z.ZodType): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest;
};
const jsonContent = (schema: Json): Json => ({ 'application/json': { schema } });
const error = (description: string): Json => ({ description, content: jsonContent(ref('Error')) });

/** One operation of the table in paths.ts. */
export interface Op {
  summary: string;
  auth?: 'none' | 'user' | 'admin' | 'any';
  body?: z.ZodType;
  ok: [status: number, description: string, schema?: Json];
  params?: string[];
  query?: z.ZodObject;
}

/** The OpenAPI operation object of one table row: parameters, body, responses, security. */
export function operation(op: Op): Json {
  const out: Json = { summary: op.summary, responses: {} };
  const responses = out.responses as Json;
  responses[String(op.ok[0])] = op.ok[2]
    ? { description: op.ok[1], content: jsonContent(op.ok[2]) }
    : { description: op.ok[1] };
  const params: Json[] = (op.params ?? []).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  for (const [name, s] of Object.entries(op.query?.shape ?? {})) {
    params.push({ name, in: 'query', required: false, schema: schemaOf(s as z.ZodType) });
  }
  if (params.length) out.parameters = params;
  if (op.body) {
    out.requestBody = { required: true, content: jsonContent(schemaOf(op.body)) };
    responses['400'] = error('invalid body; the message names the field');
  }
  if (op.auth !== 'none') {
    out.security = [{ bearer: [] }];
    responses['401'] = error('missing or unknown token');
    responses['403'] = error('refused; the message names the rule');
    responses['429'] = error('rate limited; see Retry-After');
  }
  if (op.params?.length) responses['404'] = error('not found');
  return out;
}
