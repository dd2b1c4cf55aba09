import { z } from 'zod';

/** A TCP port; 0 asks the OS for a free one. */
export const portSchema = z.number().int().min(0).max(65535);

/** `{ host, port }` of a listener the gateway opens (loopback by default). */
export function listenSchema(defaultPort: number) {
  return z
    .object({
      host: z.string().min(1).default('127.0.0.1'),
      port: portSchema.default(defaultPort),
    })
    .strict();
}

/** An http(s) base URL. */
export const httpUrlSchema = z.url({ protocol: /^https?$/ });
