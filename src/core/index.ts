/** Public entry of the core: the node factory, its types and errors. */
export type * from './types.js';
export * from './errors.js';
export type { NodeOptions, CoreLogger, CoreLimits } from './options.js';
export { createNode } from './node.js';
