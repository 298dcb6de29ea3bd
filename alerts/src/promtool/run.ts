/** Runs Debian's promtool (or $PROMTOOL) on rule and test files. */
import { execFile } from 'node:child_process';

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

export interface PromtoolResult {
  ok: boolean;
  /** stdout and stderr together, as promtool prints its failures on both. */
  output: string;
}

function run(args: string[], cwd?: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    execFile(PROMTOOL, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`${PROMTOOL} not found: install Debian's prometheus package (scripts/setup-system.sh)`));
        return;
      }
      resolve({ ok: !err, output: `${stdout}${stderr}` });
    });
  });
}

export const promtoolCheckRules = (files: string[], cwd?: string) => run(['check', 'rules', ...files], cwd);
export const promtoolTestRules = (files: string[], cwd?: string) => run(['test', 'rules', ...files], cwd);
