import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every plugin in `src`: the app (src/plugin.json) and nested ones (src/**\/plugin.json), each with
 * a sibling module.ts(x), as create-plugin's getEntries() finds them.
 */
export function findPlugins(srcDir) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('__')) {
        continue;
      }
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (name === 'plugin.json') {
        const module = ['module.tsx', 'module.ts'].map((m) => join(dir, m)).find((m) => existsSync(m));
        if (!module) {
          throw new Error(`${relative(srcDir, p)}: plugin.json has no sibling module.ts or module.tsx`);
        }
        let json;
        try {
          json = JSON.parse(readFileSync(p, 'utf8'));
        } catch (err) {
          throw new Error(`${relative(srcDir, p)}: not valid JSON: ${err.message}`);
        }
        found.push({ dir: relative(srcDir, dir), pluginJson: p, module, json });
      }
    }
  };
  walk(srcDir);
  found.sort((a, b) => a.dir.length - b.dir.length || a.dir.localeCompare(b.dir));
  if (found.length === 0 || found[0].dir !== '') {
    throw new Error(`${srcDir}/plugin.json: the app plugin is missing`);
  }
  return found;
}
