// Types of bin/build.mjs for the TypeScript that imports it (tests).
export declare const ROOT: string;
export declare class BuildError extends Error {}
export type BuildState = 'missing' | 'stale' | 'fresh';
export declare function buildState(root?: string): BuildState;
export declare function build(options?: { quiet?: boolean; root?: string }): void;
