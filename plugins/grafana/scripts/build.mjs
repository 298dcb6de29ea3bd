#!/usr/bin/env node
/**
 * Builds dist/ the way @grafana/create-plugin does, with esbuild instead of webpack:
 * one AMD module.js per plugin (the app and its nested panels) with Grafana's shared modules as
 * externals, plugin.json with %VERSION%/%TODAY%/%PLUGIN_ID% replaced, logos, README, CHANGELOG and LICENSE.
 * Then validates the result (scripts/validate-dist.mjs) and fails the build on any error.
 *
 *   node scripts/build.mjs [--out DIR] [--no-minify]
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrapAmd, shiftSourceMap } from './amd.mjs';
import { ESBUILD_EXTERNALS } from './externals.mjs';
import { findPlugins } from './plugins.mjs';
import { validateDist, formatReport } from './validate-dist.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const contractsSrc = resolve(root, '../../services/contracts/src');

/**
 * The shared contracts are pure declarations, but their package.json does not say so; without
 * this, esbuild keeps the JSON Schemas and the OpenAPI document (23 KiB) that no plugin uses.
 */
const contractsAreSideEffectFree = {
  name: 'contracts-side-effect-free',
  setup(b) {
    b.onResolve({ filter: /^(@drillbook\/contracts|\.\.?\/.*)$/ }, async (args) => {
      if (args.pluginData?.fromContractsPlugin) {
        return undefined;
      }
      const result = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { fromContractsPlugin: true } });
      if (result.errors.length > 0 || !result.path.startsWith(contractsSrc)) {
        return undefined;
      }
      return { ...result, sideEffects: false };
    });
  },
};

export async function buildPlugin({ outDir = join(root, 'dist'), metaDir = join(root, '.build'), minify = true, log = console.log } = {}) {
  const started = performance.now();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const srcDir = join(root, 'src');
  const plugins = findPlugins(srcDir);
  const appId = plugins[0].json.id;
  const today = new Date().toISOString().slice(0, 10);
  const replace = (text) => text.replaceAll('%VERSION%', pkg.version).replaceAll('%TODAY%', today).replaceAll('%PLUGIN_ID%', appId);

  // Build everything into a staging directory first: a failed build never leaves a half-written dist/.
  const stage = `${outDir}.staging`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  mkdirSync(metaDir, { recursive: true });

  const outputs = [];
  for (const plugin of plugins) {
    const outPluginDir = join(stage, plugin.dir);
    mkdirSync(outPluginDir, { recursive: true });
    const result = await build({
      entryPoints: [plugin.module],
      bundle: true,
      format: 'cjs',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      external: ESBUILD_EXTERNALS,
      define: { 'process.env.NODE_ENV': '"production"' },
      minify,
      sourcemap: 'external',
      legalComments: 'none',
      metafile: true,
      write: false,
      outfile: join(outPluginDir, 'module.js'),
      logLevel: 'silent',
      plugins: [contractsAreSideEffectFree],
    });
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
    const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
    const outMeta = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    const deps = [...new Set(outMeta.imports.filter((i) => i.external).map((i) => i.path))].sort();
    const wrapped = wrapAmd(js.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'), deps, plugin.json.id, `/* ${plugin.json.id}@${pkg.version} (built ${today} with esbuild, AMD like @grafana/create-plugin) */`);
    writeFileSync(join(outPluginDir, 'module.js'), `${wrapped.code}//# sourceMappingURL=module.js.map\n`);
    writeFileSync(join(outPluginDir, 'module.js.map'), shiftSourceMap(map.text, wrapped.headLines, 'module.js'));
    writeFileSync(join(metaDir, `metafile-${plugin.json.id}.json`), JSON.stringify(result.metafile));
    writeFileSync(join(outPluginDir, 'plugin.json'), replace(readFileSync(plugin.pluginJson, 'utf8')));
    const logos = new Set([plugin.json.info?.logos?.small, plugin.json.info?.logos?.large].filter(Boolean));
    for (const logo of logos) {
      const from = join(dirname(plugin.pluginJson), logo);
      if (!existsSync(from)) {
        throw new Error(`${plugin.pluginJson}: logo ${logo} does not exist`);
      }
      mkdirSync(dirname(join(outPluginDir, logo)), { recursive: true });
      copyFileSync(from, join(outPluginDir, logo));
    }
    outputs.push({ id: plugin.json.id, dir: plugin.dir || '.', bytes: Buffer.byteLength(wrapped.code), deps });
  }
  for (const doc of ['README.md', 'CHANGELOG.md']) {
    writeFileSync(join(stage, doc), replace(readFileSync(join(root, doc), 'utf8')));
  }
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));

  const report = validateDist(stage, { metaDir, grafanaVersion: installedGrafanaVersion(), license: pkg.license });
  if (report.errors.length > 0) {
    rmSync(stage, { recursive: true, force: true });
    throw new Error(`dist/ failed validation:\n${formatReport(report)}`);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  // rename is atomic on one filesystem
  (await import('node:fs')).renameSync(stage, outDir);

  const ms = Math.round(performance.now() - started);
  for (const o of outputs) {
    log(`  ${o.dir.padEnd(20)} ${o.id.padEnd(32)} module.js ${(o.bytes / 1024).toFixed(1)} KiB, externals: ${o.deps.join(', ')}`);
  }
  for (const w of report.warnings) {
    log(`  warning: ${w}`);
  }
  log(`built ${outputs.length} plugins into ${outDir} in ${ms} ms; validation passed (${report.checks} checks)`);
  return { outputs, report, ms };
}

export function installedGrafanaVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules/@grafana/data/package.json'), 'utf8')).version;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  buildPlugin({ outDir: outIdx >= 0 ? resolve(args[outIdx + 1]) : undefined, minify: !args.includes('--no-minify') }).catch((err) => {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  });
}
