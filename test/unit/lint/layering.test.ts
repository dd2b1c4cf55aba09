/**
 * The layering rules of eslint.config.js, run through ESLint's Node API on small snippets placed
 * at virtual paths: each rule reports a deliberate violation, and the imports the layers allow
 * are not reported.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The `no-restricted-imports` messages ESLint gives for `code` as if it were the file at `path`. */
async function restrictions(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.fatal)
    .map((m) => m.message);
}

const ADAPTER = /an adapter never imports another adapter/;
const RUNTIME = /an adapter does not import the bridge runtime/;
const MAPPING = /an adapter does not import src\/mapping/;
const CORE_TYPES = /mapping imports only types from core/;
const MAPPING_UP = /mapping sits below bridges and the gateway/;
const CORE_ALONE = /core imports nothing of the project outside core/;
const NO_GATEWAY = /must not import the gateway/;

describe('layering lint rules', () => {
  it.each([
    ['src/bridges/discord/x.ts', "import { SlackAdapter } from '../slack/index.js';", ADAPTER],
    ['src/bridges/slack/x.ts', "import type { IrcAdapter } from '../irc/adapter.js';", ADAPTER],
    ['src/bridges/irc/x.ts', "export { MatrixAdapter } from '../matrix/adapter.js';", ADAPTER],
    ['src/bridges/matrix/x.ts', "import { d } from '../../bridges/discord/index.js';", ADAPTER],
    ['src/bridges/discord/x.ts', "import { startBridges } from '../runtime/start.js';", RUNTIME],
    ['src/bridges/irc/x.ts', "import { targetKeyOf } from '../../mapping/target-key.js';", MAPPING],
    [
      'src/bridges/slack/x.ts',
      "import { loadConfig } from '../../gateway/config/index.js';",
      NO_GATEWAY,
    ],
    ['src/mapping/x.ts', "import { createNode } from '../core/node.js';", CORE_TYPES],
    ['src/mapping/sql/x.ts', "import { ValidationError } from '../../core/errors.js';", CORE_TYPES],
    ['src/mapping/x.ts', "import type { BridgeModule } from '../bridges/types.js';", MAPPING_UP],
    ['src/mapping/x.ts', "import { startGateway } from '../gateway/gateway.js';", MAPPING_UP],
    ['src/core/x.ts', "import { bridgeRegistry } from '../bridges/registry.js';", CORE_ALONE],
    ['src/core/p2p/x.ts', "import type { LinkStore } from '../../mapping/types.js';", CORE_ALONE],
    ['src/bridges/runtime/x.ts', "import { x } from '../../gateway/http/app.js';", NO_GATEWAY],
  ])('%s: %s is reported', async (path, code, message) => {
    const found = await restrictions(path, `${code}\nexport const keep = 1;\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each([
    // An adapter uses the bridge contracts, its own files, packages, and its own name in a path.
    ['src/bridges/discord/x.ts', "import type { BridgeModule } from '../types.js';"],
    ['src/bridges/discord/x.ts', "import { DeliveryError } from '../errors.js';"],
    ['src/bridges/slack/x.ts', "import { UrlFetcher } from '../net/index.js';"],
    ['src/bridges/irc/x.ts', "import { renderText } from '../format/index.js';"],
    ['src/bridges/slack/x.ts', "import { MemoMap } from '../memo/index.js';"],
    ['src/bridges/matrix/x.ts', "import { Rooms } from './rooms.js';"],
    ['src/bridges/slack/x.ts', "import { App } from '@slack/bolt';"],
    ['src/bridges/discord/x.ts', "import { d } from '../discord/index.js';"],
    // The runtime and the gateway are above the adapters and may import them and mapping.
    ['src/bridges/runtime/x.ts', "import { createAdapter } from '../slack/index.js';"],
    ['src/bridges/runtime/x.ts', "import { targetKeyOf } from '../../mapping/target-key.js';"],
    ['src/gateway/x.ts', "import { createAdapter } from '../bridges/discord/index.js';"],
    // Mapping takes types from core, inline or not.
    ['src/mapping/x.ts', "import type { ChannelId } from '../core/types.js';"],
    ['src/mapping/sql/x.ts', "import { type UserId } from '../../core/types.js';"],
    ['src/core/x.ts', "import { HybridClock } from './hlc.js';"],
  ])('%s: %s is allowed', async (path, code) => {
    expect(await restrictions(path, `${code}\nexport const keep = 1;\n`)).toEqual([]);
  });

  it('the project tree passes these rules as it stands', async () => {
    const results = await eslint.lintFiles(['src/bridges', 'src/mapping', 'src/core']);
    const layering = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'no-restricted-imports')
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(layering).toEqual([]);
  });
});
