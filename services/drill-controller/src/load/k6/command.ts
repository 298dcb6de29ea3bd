/**
 * The `k6 run` command line for a load plan. Everything the script needs comes in as `-e` variables
 * (read by load-tests/lib: BASE_URL, LOAD_PLAN, SESSIONS_FILE, SUMMARY_FILE, K, TIMEOUT_MS, MAX_VUS,
 * and, when set, TARGET_PROTOCOL (the protocol block as JSON) and READINESS_PATH (`-` = no check)).
 */
import type { NormalizedPlan } from '../plan.js';

export interface K6Command {
  /** Executable (absolute path when found on PATH). */
  command: string;
  args: string[];
  summaryFile: string;
  pointsFile: string;
  /** The LOAD_PLAN value: the phases as JSON. */
  loadPlan: string;
}

export function buildK6Command(
  plan: NormalizedPlan,
  files: { k6: string; script: string; sessionsFile: string; summaryFile: string; pointsFile: string },
): K6Command {
  const loadPlan = JSON.stringify(plan.phases.map((p) => ({ phase: p.phase, durationS: p.durationS, rate: p.rate, mix: p.mix })));
  const env: Array<[string, string]> = [
    ['BASE_URL', plan.baseUrl.href.replace(/\/+$/, '')],
    ['LOAD_PLAN', loadPlan],
    ['SESSIONS_FILE', files.sessionsFile],
    ['SUMMARY_FILE', files.summaryFile],
    ['K', String(plan.k)],
    ['TIMEOUT_MS', String(Math.ceil(plan.timeoutMs))],
    ['MAX_VUS', String(plan.maxInFlight)],
  ];
  if (plan.protocol !== undefined) env.push(['TARGET_PROTOCOL', JSON.stringify(plan.protocol)]);
  if (plan.readinessPath !== undefined) env.push(['READINESS_PATH', plan.readinessPath ?? '-']);
  const args = [
    'run',
    '--quiet',
    '--no-color',
    // No REST API server: two drills may run k6 at once, and nothing here talks to it.
    '--address',
    '',
    '--no-usage-report',
    '--out',
    `json=${files.pointsFile}`,
    ...env.flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    files.script,
  ];
  return { command: files.k6, args, summaryFile: files.summaryFile, pointsFile: files.pointsFile, loadPlan };
}
