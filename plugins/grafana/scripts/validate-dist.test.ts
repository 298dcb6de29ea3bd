// @vitest-environment node
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, installedGrafanaVersion } from './build.mjs';
import { satisfies, validateDist } from './validate-dist.mjs';

let work: string;
let dist: string;
let metaDir: string;
let outputs: Array<{ id: string; deps: string[] }>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'drillbook-grafana-build-'));
  dist = join(work, 'dist');
  metaDir = join(work, 'meta');
  ({ outputs } = await buildPlugin({ outDir: dist, metaDir, log: () => undefined }));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the good build to break in one way. */
function variant(edit: (dir: string, meta: string) => void) {
  const dir = mkdtempSync(join(work, 'variant-'));
  cpSync(dist, join(dir, 'dist'), { recursive: true });
  cpSync(metaDir, join(dir, 'meta'), { recursive: true });
  edit(join(dir, 'dist'), join(dir, 'meta'));
  return validateDist(join(dir, 'dist'), { metaDir: join(dir, 'meta'), grafanaVersion: installedGrafanaVersion(), license: 'Apache-2.0' });
}

const editJson = (file: string, fn: (j: any) => void) => {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  fn(j);
  writeFileSync(file, JSON.stringify(j));
};

describe('the built plugin', () => {
  it('builds the app and every panel as AMD modules with Grafana shared modules as externals', () => {
    expect(outputs.map((o) => o.id)).toEqual(['drillbook-gameday-app', 'drillbook-controller-datasource', 'drillbook-scorecard-panel', 'drillbook-slobudget-panel', 'drillbook-calendar-panel']);
    for (const o of outputs) {
      expect(o.deps).toEqual(expect.arrayContaining(['@grafana/data', '@grafana/ui', 'react/jsx-runtime']));
    }
    const app = readFileSync(join(dist, 'module.js'), 'utf8');
    expect(app).toMatch(/^\/\*[^*]*\*\/\s*define\(\[/);
    expect(JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8')).info.version).toBe('0.1.0');
  });

  it('passes validation: required fields, matching ids, nothing of react or @grafana/* bundled', () => {
    const report = validateDist(dist, { metaDir, grafanaVersion: installedGrafanaVersion(), license: 'Apache-2.0' });
    expect(report.errors).toEqual([]);
    expect(report.warnings.filter((w) => /LICENSE/.test(w))).toEqual([]);
    expect(report.checks).toBeGreaterThan(50);
  });
});

describe('validateDist catches', () => {
  it('a bundle without a LICENSE (the built one carries the Apache-2.0 text)', () => {
    expect(readFileSync(join(dist, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    const report = variant((d) => rmSync(join(d, 'LICENSE')));
    expect(report.errors).toEqual(['LICENSE is missing from the bundle root (the plugin catalogue validator requires one)']);
  });

  it('a LICENSE that is not the license package.json declares', () => {
    const report = variant((d) => writeFileSync(join(d, 'LICENSE'), 'All rights reserved.\n'));
    expect(report.errors).toEqual(['LICENSE is not the Apache-2.0 text that package.json declares']);
  });

  it('a bundled React, naming the input file', () => {
    const report = variant((_, meta) =>
      editJson(join(meta, 'metafile-drillbook-scorecard-panel.json'), (m) => {
        m.inputs['node_modules/react/cjs/react.production.min.js'] = { bytes: 1 };
      })
    );
    expect(report.errors).toContain(
      'panels/scorecard/module.js: react is bundled (input node_modules/react/cjs/react.production.min.js); it must stay external'
    );
  });

  it('React internals inside module.js even without a metafile', () => {
    const report = variant((d) => writeFileSync(join(d, 'module.js'), `${readFileSync(join(d, 'module.js'), 'utf8')}\nvar x = "__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED";`));
    expect(report.errors).toContain('module.js: React or ReactDOM is bundled (found React internals)');
  });

  it('an AMD dependency Grafana does not share', () => {
    const report = variant((d) => {
      const f = join(d, 'panels/slo-budget/module.js');
      writeFileSync(f, readFileSync(f, 'utf8').replace('define(["', 'define(["@grafana/schema", "'));
    });
    expect(report.errors).toContain('panels/slo-budget/module.js: AMD dependency "@grafana/schema" is not a module Grafana shares with plugins');
  });

  it('a nested plugin whose id does not match its type or the app includes', () => {
    const report = variant((d) =>
      editJson(join(d, 'panels/scorecard/plugin.json'), (j) => {
        j.id = 'drillbook-scorecard-app';
        j.name = 'Renamed';
      })
    );
    expect(report.errors).toEqual(
      expect.arrayContaining([
        'panels/scorecard/plugin.json: id "drillbook-scorecard-app" does not end with its type "-panel"',
        'plugin.json: includes[] panel "Drill scorecard" matches no nested plugin.json (names must be equal)',
        'panels/scorecard/plugin.json: nested panel "Renamed" is not listed in the app\'s includes[]',
      ])
    );
  });

  it('a secret templated from jsonData or put in the route URL', () => {
    const report = variant((d) =>
      editJson(join(d, 'plugin.json'), (j) => {
        j.routes[0].headers[0].content = 'Bearer {{ .JsonData.controllerToken }}';
        j.routes[1].url = '{{ .JsonData.controllerUrl }}/api/v1?token={{ .SecureJsonData.controllerToken }}';
      })
    );
    expect(report.errors).toEqual(
      expect.arrayContaining([
        'plugin.json: routes[0].headers[0].content: controllerToken looks secret and must come from .SecureJsonData, not .JsonData',
        'plugin.json: routes[1].url: secrets must not be put in the URL',
      ])
    );
  });

  it('a grafanaDependency that does not admit the version built against, and unreplaced placeholders', () => {
    const report = variant((d) =>
      editJson(join(d, 'plugin.json'), (j) => {
        j.dependencies.grafanaDependency = '>=13.0.0';
        j.info.updated = '%TODAY%';
      })
    );
    expect(report.errors).toEqual(
      expect.arrayContaining([
        `plugin.json: grafanaDependency ">=13.0.0" does not admit the @grafana/* version built against (${installedGrafanaVersion()})`,
        'plugin.json: unreplaced placeholder %TODAY%',
      ])
    );
  });
});

describe('satisfies', () => {
  it('reads the range forms plugin.json uses', () => {
    expect(satisfies('12.4.10', '>=12.4.0')).toBe(true);
    expect(satisfies('12.3.9', '>=12.4.0')).toBe(false);
    expect(satisfies('13.0.0', '>=12.4.0 <13.0.0')).toBe(false);
  });
});
