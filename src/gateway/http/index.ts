/** The gateway's HTTP API: the app factory and what route modules from outside need. */
export { createApp } from './app.js';
export type { AppOptions, GatewayApp, RouteModule } from './app.js';
export { requireAdmin, requireUser } from './context.js';
export type { AppContext, AppDeps, AppEnv, Auth, HttpLogger } from './context.js';
export { readBody, readQuery } from './body.js';
export * from './errors.js';
export { toErrorResponse } from './error-response.js';
