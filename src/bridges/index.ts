/**
 * Public entry of the bridge layer: its types, its errors and the lazy registry of adapters.
 * The runtime (src/bridges/runtime) is not re-exported: it sits above this layer's contracts.
 */
export type * from './types.js';
export * from './errors.js';
export * from './registry.js';
