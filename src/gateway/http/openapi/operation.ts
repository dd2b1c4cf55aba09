import { z } from 'zod';
import { ref, type Json } from './components.js';

const schemaOf = (s: z.ZodType): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest;
};
const jsonContent = (schema: Json): Json => ({ 'application/json': { schema } });
const error = (description: string): Json => ({ description, content: jsonContent(ref('Error')) });

/** Who may call: `metrics` is the admin token or `http.metricsToken`, checked by the route. */
export type OpAuth = 'none' | 'user' | 'admin' | 'any' | 'metrics';

/** One operation of the table in paths.ts. */
export interface Op {
  summary: string;
  auth?: OpAuth;
  body?: z.ZodType;
  /** Schemas replacing the generated ones of some body fields (rules zod does not carry). */
  fields?: Record<string, Json>;
  ok: [status: number, description: string, schema?: Json];
  /** Media type of the success body; default `application/json`. */
  media?: string;
  params?: string[];
  /** Schemas of path parameters other than a plain string. */
  paramSchemas?: Record<string, Json>;
  query?: z.ZodObject;
  /**
   * Other answers the route gives, by status: a description (the body is the Error shape) or
   * a description and the body's schema. Added to the ones every operation of its kind has.
   */
  answers?: Record<number, string | [description: string, schema: Json]>;
}

/** The request body's schema, with the `fields` overrides applied. */
function bodySchema(op: Op): Json {
  const schema = schemaOf(op.body as z.ZodType);
  if (!op.fields) return schema;
  const properties = { ...(schema.properties as Json) };
  for (const [name, field] of Object.entries(op.fields)) {
    properties[name] = { ...(properties[name] as Json), ...field };
  }
  return { ...schema, properties };
}

/** The OpenAPI operation object of one table row: parameters, body, responses, security. */
export function operation(op: Op): Json {
  const out: Json = { summary: op.summary, responses: {} };
  const responses = out.responses as Json;
  const ok = op.ok[2] ? { [op.media ?? 'application/json']: { schema: op.ok[2] } } : undefined;
  responses[String(op.ok[0])] = ok
    ? { description: op.ok[1], content: ok }
    : { description: op.ok[1] };
  const params: Json[] = (op.params ?? []).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: op.paramSchemas?.[name] ?? { type: 'string', minLength: 1 },
  }));
  for (const [name, s] of Object.entries(op.query?.shape ?? {})) {
    // Required exactly when the schema refuses its absence (GET /users needs both its fields).
    const required = !(s as z.ZodType).safeParse(undefined).success;
    params.push({ name, in: 'query', required, schema: schemaOf(s as z.ZodType) });
  }
  if (params.length) out.parameters = params;
  if (op.body) {
    out.requestBody = { required: true, content: jsonContent(bodySchema(op)) };
    responses['400'] = error(
      'invalid body (not a JSON object, or a bad field: the message names it)',
    );
    responses['413'] = error('the body is larger than http.maxBodyBytes');
  }
  if (op.query) responses['400'] = error('invalid query parameter; the message names it');
  if (op.auth !== 'none') {
    out.security = [{ bearer: [] }];
    responses['401'] = error('missing or unknown token');
  }
  if (op.auth === 'user' || op.auth === 'admin') {
    responses['403'] = error(
      op.auth === 'user'
        ? 'refused: the admin token cannot act as a user, or a rule refused (the message names it)'
        : 'refused: this route needs the admin token',
    );
  }
  if (op.params?.length) responses['404'] = error('not found; the message names what');
  for (const [status, answer] of Object.entries(op.answers ?? {})) {
    responses[status] =
      typeof answer === 'string'
        ? error(answer)
        : { description: answer[0], content: jsonContent(answer[1]) };
  }
  return out;
}
