import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  IntentRejectedError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../../src/core/errors.js';
import { toErrorResponse } from '../../../src/gateway/http/error-response.js';
import {
  BadJsonError,
  BodyTooLargeError,
  ForbiddenError,
  RateLimitedError,
  RouteNotFoundError,
  UnauthorizedError,
} from '../../../src/gateway/http/errors.js';

describe('error mapping', () => {
  it.each([
    [new ValidationError('text', 'text must not be empty'), 400, 'invalid_request'],
    [new BadJsonError('request body is not valid JSON'), 400, 'invalid_request'],
    [new UnauthorizedError('missing bearer token'), 401, 'unauthorized'],
    [new IntentRejectedError('message.member', 'not a member'), 403, 'forbidden'],
    [new ForbiddenError('admin-only', 'needs the admin token'), 403, 'forbidden'],
    [new NotFoundError('channel', 'abc'), 404, 'not_found'],
    [new RouteNotFoundError('no route for GET /x'), 404, 'not_found'],
    [new ConflictError('username alice is taken'), 409, 'conflict'],
    [new PayloadTooLargeError('text', 65536, 70000), 413, 'payload_too_large'],
    [new BodyTooLargeError(1024), 413, 'payload_too_large'],
    [new RateLimitedError(3), 429, 'rate_limited'],
  ] as const)('%s → %i %s', (err, status, code) => {
    const res = toErrorResponse(err);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
    expect(res.internal).toBe(false);
  });

  it('a validation error names the field', () => {
    expect(
      toErrorResponse(new ValidationError('username', 'must not be empty')).body.error.message,
    ).toBe('username: must not be empty');
    expect(toErrorResponse(new ValidationError('text', 'text is empty')).body.error.message).toBe(
      'text is empty',
    );
  });

  it('a refusal names the rule', () => {
    expect(
      toErrorResponse(new IntentRejectedError('channel.role', 'only admins may do that')).body.error
        .message,
    ).toBe('only admins may do that (rule: channel.role)');
    expect(toErrorResponse(new ForbiddenError('admin-only', 'nope')).body.error.message).toBe(
      'nope (rule: admin-only)',
    );
  });

  it('429 carries Retry-After in seconds', () => {
    expect(toErrorResponse(new RateLimitedError(7)).headers).toEqual({ 'Retry-After': '7' });
  });

  it("hono's HTTPException keeps its 4xx status in the API's shape", () => {
    const res = toErrorResponse(new HTTPException(405, { message: 'method not allowed' }));
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'method not allowed' } });
  });

  it('an unknown error is a 500 that hides its message', () => {
    const res = toErrorResponse(new Error('database password is hunter2'));
    expect(res.status).toBe(500);
    expect(res.internal).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });
});
