// Types of test/peers/source-node.mjs for the TypeScript that imports it.
export declare const ROOT: string;
export declare function sourceNodeArgs(script: string, args?: readonly string[]): string[];
export declare function sourceWorkerBoot(moduleUrl: string): string;
