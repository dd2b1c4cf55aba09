/** `multichat doctor`: config, store, P2P and each network's credentials, with what to fix. */
import { checkConfigFile } from '../config/check.js';
import { loadConfig, type GatewayConfig } from '../config/index.js';
import { clientUrl } from '../cli/admin-client.js';
import { checkP2p, checkStore } from './local.js';
import { checkNetworks } from './networks.js';
import { fail, ok, type CheckResult } from './types.js';

export type { CheckResult } from './types.js';

async function gatewayAnswers(config: GatewayConfig): Promise<boolean> {
  try {
    const res = await fetch(`${clientUrl(config.http.host, config.http.port)}/healthz`, {
      signal: AbortSignal.timeout(1_000),
    });
    return res.status < 500;
  } catch {
    return false;
  }
}

/** Runs every check; a config that does not load stops there (the rest needs it). */
export async function runDoctor(
  configFile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<CheckResult[]> {
  if (configFile !== undefined) {
    const { problems } = await checkConfigFile(configFile, env);
    if (problems.length > 0) {
      return problems.map((p) =>
        fail('config', p, `fix it in ${configFile} (multichat config check ${configFile})`),
      );
    }
  }
  const { config, source } = await loadConfig(configFile, env);
  const results: CheckResult[] = [
    ok(
      'config',
      source.kind === 'file' ? `${source.path} is valid` : 'no file: the embedded default',
    ),
  ];
  const running = await gatewayAnswers(config);
  results.push(...(await checkStore(config)));
  results.push(...(await checkP2p(config, running)));
  results.push(...(await checkNetworks(config)));
  return results;
}

/** The report as lines: one per check, the fix under each warning and failure. */
export function renderDoctor(results: readonly CheckResult[]): string[] {
  const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;
  return results.flatMap((r) => [
    `${mark[r.status]}  ${r.name}: ${r.detail}`,
    ...(r.fix && r.status !== 'ok' ? [`      fix: ${r.fix}`] : []),
  ]);
}
