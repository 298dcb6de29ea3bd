/**
 * The committed dashboards use only keys of Grafana's dashboard schema (v1, `@grafana/schema`
 * 12.4.10, the version the Grafana plugin builds against) at the current schemaVersion: Grafana
 * keeps unknown keys on import but flags them, and an old schemaVersion makes it migrate the JSON on
 * every load. The key lists are read from the schema package's type declarations, not retyped here.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDashboard } from '@grafana/schema';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'generated');
const require = createRequire(import.meta.url);
const typesFile = path.join(path.dirname(require.resolve('@grafana/schema/package.json')), 'dist/types/raw/dashboard/x/types.gen.d.ts');

/** Property names of each exported interface in the schema's declarations. */
async function schemaInterfaces(): Promise<Map<string, Set<string>>> {
  const source = ts.createSourceFile(typesFile, await readFile(typesFile, 'utf8'), ts.ScriptTarget.Latest);
  const out = new Map<string, Set<string>>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const names = node.members.filter(ts.isPropertySignature).map((m) => m.name.getText(source).replace(/^['"]|['"]$/g, ''));
    out.set(node.name.text, new Set(names));
  });
  return out;
}

type Json = Record<string, unknown>;

function extraKeys(obj: Json, allowed: Set<string>): string[] {
  return Object.keys(obj).filter((k) => !allowed.has(k));
}

describe('generated dashboards against the Grafana dashboard schema', () => {
  it('read the schema: Dashboard, VariableModel, Panel and RowPanel', async () => {
    const s = await schemaInterfaces();
    expect(s.get('Dashboard')).toContain('schemaVersion');
    expect(s.get('VariableModel')).toContain('includeAll');
    expect(s.get('VariableModel')).not.toContain('auto');
    expect(s.get('Panel')).toContain('fieldConfig');
  });

  it('carry only schema keys on the dashboard, its variables and panels, at the current schemaVersion', async () => {
    const s = await schemaInterfaces();
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const d = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Json;
      expect(extraKeys(d, s.get('Dashboard')!), `${name}: dashboard keys`).toEqual([]);
      expect(d.schemaVersion, `${name}: schemaVersion`).toBe(defaultDashboard.schemaVersion);
      for (const v of ((d.templating as Json)?.list ?? []) as Json[]) {
        expect(extraKeys(v, s.get('VariableModel')!), `${name}: variable ${String(v.name)}`).toEqual([]);
      }
      // Annotations are left out: the schema's AnnotationQuery is open to the data source's own query
      // fields (a Prometheus annotation keeps expr, step, titleFormat, textFormat, tagKeys there).
      const panels = ((d.panels ?? []) as Json[]).flatMap((p) => [p, ...((p.panels ?? []) as Json[])]);
      for (const p of panels) {
        const schema = p.type === 'row' ? s.get('RowPanel')! : s.get('Panel')!;
        expect(extraKeys(p, schema), `${name}: panel ${String(p.title)}`).toEqual([]);
      }
    }
  });
});
