#!/usr/bin/env node
/**
 * Validates a built plugin directory (dist/): what Grafana needs to load it and what the plugin
 * validator checks before signing. Every problem names the file and the field.
 *
 *   node scripts/validate-dist.mjs [DIST_DIR]
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEVER_BUNDLED, isAllowedAmdDependency } from './externals.mjs';

const ID_RE = /^[a-z0-9]+(-[a-z0-9]+)*-(app|panel|datasource)$/;
const TEMPLATE_RE = /\{\{(.*?)\}\}/g;
const TEMPLATE_EXPR_RE = /^\s*\.(JsonData|SecureJsonData)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const ROLES = ['Viewer', 'Editor', 'Admin'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', '*'];

function listPluginJsons(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (name === 'plugin.json') {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.length - b.length);
}

function parseVersion(v) {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function cmp(a, b) {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return 0;
}

/** Supports the range forms plugin.json uses: ">=X.Y.Z", optionally followed by " <A.B.C". */
export function satisfies(version, range) {
  const v = parseVersion(version);
  if (!v) {
    return false;
  }
  const parts = range.trim().split(/\s+/);
  return parts.every((p) => {
    const m = /^(>=|>|<=|<|=)?(\d+\.\d+\.\d+)$/.exec(p);
    if (!m) {
      return false;
    }
    const c = cmp(v, parseVersion(m[2]));
    switch (m[1] ?? '=') {
      case '>=':
        return c >= 0;
      case '>':
        return c > 0;
      case '<=':
        return c <= 0;
      case '<':
        return c < 0;
      default:
        return c === 0;
    }
  });
}

function packageOf(inputPath) {
  const i = inputPath.lastIndexOf('node_modules/');
  if (i < 0) {
    return null;
  }
  const rest = inputPath.slice(i + 'node_modules/'.length).split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

/**
 * @param {string} dist
 * @param {{ metaDir?: string, grafanaVersion?: string, license?: string }} [options]
 * @returns {{ errors: string[], warnings: string[], checks: number }}
 */
export function validateDist(dist, options = {}) {
  const errors = [];
  const warnings = [];
  let checks = 0;
  const check = (ok, message) => {
    checks++;
    if (!ok) {
      errors.push(message);
    }
    return ok;
  };
  const rel = (p) => relative(dist, p) || '.';

  if (!check(existsSync(join(dist, 'plugin.json')), `${dist}: no plugin.json at the root`)) {
    return { errors, warnings, checks };
  }
  const jsons = listPluginJsons(dist);
  const plugins = [];
  for (const file of jsons) {
    let json;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      check(false, `${rel(file)}: not valid JSON (${err.message})`);
      continue;
    }
    plugins.push({ file, dir: dirname(file), json });
  }
  if (plugins.length === 0) {
    return { errors, warnings, checks };
  }
  const app = plugins[0];
  const ids = new Set();

  for (const { file, dir, json } of plugins) {
    const where = rel(file);
    const text = readFileSync(file, 'utf8');
    check(!/%[A-Z_]+%/.test(text), `${where}: unreplaced placeholder ${text.match(/%[A-Z_]+%/)?.[0]}`);
    for (const field of ['id', 'type', 'name']) {
      check(typeof json[field] === 'string' && json[field] !== '', `${where}: field "${field}" is required`);
    }
    if (typeof json.id === 'string') {
      check(ID_RE.test(json.id), `${where}: id "${json.id}" must be <org>-<name>-<app|panel|datasource> in lowercase`);
      check(json.id.endsWith(`-${json.type}`), `${where}: id "${json.id}" does not end with its type "-${json.type}"`);
      check(!ids.has(json.id), `${where}: id "${json.id}" is used by another plugin in this bundle`);
      ids.add(json.id);
    }
    check(['app', 'panel', 'datasource'].includes(json.type), `${where}: type "${json.type}" must be app, panel or datasource`);
    check(typeof json.info?.author?.name === 'string', `${where}: info.author.name is required`);
    check(typeof json.info?.description === 'string' && json.info.description.length > 0, `${where}: info.description is required`);
    check(!!parseVersion(json.info?.version ?? ''), `${where}: info.version "${json.info?.version}" is not a version`);
    check(/^\d{4}-\d{2}-\d{2}$/.test(json.info?.updated ?? ''), `${where}: info.updated "${json.info?.updated}" is not YYYY-MM-DD`);
    for (const size of ['small', 'large']) {
      const logo = json.info?.logos?.[size];
      if (check(typeof logo === 'string', `${where}: info.logos.${size} is required`)) {
        check(existsSync(join(dir, logo)), `${where}: info.logos.${size} "${logo}" is not in the bundle`);
      }
    }
    const dep = json.dependencies?.grafanaDependency;
    if (check(typeof dep === 'string', `${where}: dependencies.grafanaDependency is required`)) {
      check(dep === app.json.dependencies?.grafanaDependency, `${where}: grafanaDependency "${dep}" differs from the app's`);
      if (options.grafanaVersion) {
        check(
          satisfies(options.grafanaVersion, dep),
          `${where}: grafanaDependency "${dep}" does not admit the @grafana/* version built against (${options.grafanaVersion})`
        );
      }
    }
    if (json.type === 'app' && file !== app.file) {
      check(false, `${where}: only the root plugin may be an app`);
    }
    checkModule(join(dir, 'module.js'), relative(dist, join(dir, 'module.js')), json.id, where, check, options);
  }

  check(app.json.type === 'app', `${rel(app.file)}: the root plugin must be an app (type "${app.json.type}")`);
  const nested = plugins.slice(1);
  const included = (app.json.includes ?? []).filter((i) => i.type === 'panel' || i.type === 'datasource');
  for (const inc of included) {
    check(
      nested.some((p) => p.json.type === inc.type && p.json.name === inc.name),
      `plugin.json: includes[] ${inc.type} "${inc.name}" matches no nested plugin.json (names must be equal)`
    );
  }
  for (const p of nested) {
    check(
      included.some((inc) => inc.type === p.json.type && inc.name === p.json.name),
      `${rel(p.file)}: nested ${p.json.type} "${p.json.name}" is not listed in the app's includes[]`
    );
  }
  for (const inc of app.json.includes ?? []) {
    if (inc.type === 'page' && typeof inc.path === 'string' && inc.path.startsWith('/a/')) {
      check(inc.path.startsWith(`/a/${app.json.id}/`), `plugin.json: page "${inc.name}" path ${inc.path} is not under /a/${app.json.id}/`);
    }
  }
  checkRoutes(app.json.routes ?? [], check, warnings);

  for (const doc of ['README.md', 'CHANGELOG.md']) {
    check(existsSync(join(dist, doc)), `${doc} is missing from the bundle root`);
  }
  checkLicense(dist, options.license, check);
  if (!existsSync(join(dist, 'MANIFEST.txt'))) {
    warnings.push('unsigned: no MANIFEST.txt (sign with @grafana/sign-plugin, or allow_loading_unsigned_plugins for these ids)');
  }
  return { errors, warnings, checks };
}

/** SPDX ids the bundle may declare, with a line their license text must contain. */
const LICENSE_TEXTS = {
  'Apache-2.0': /Apache License\s+Version 2\.0/,
  MIT: /Permission is hereby granted, free of charge/,
};

/**
 * The catalogue validator refuses a bundle without a LICENSE at its root. The text must be the
 * license package.json declares (options.license, an SPDX id).
 */
function checkLicense(dist, license, check) {
  const file = join(dist, 'LICENSE');
  if (!check(existsSync(file), 'LICENSE is missing from the bundle root (the plugin catalogue validator requires one)')) {
    return;
  }
  const text = readFileSync(file, 'utf8');
  check(text.trim().length > 0, 'LICENSE is empty');
  if (license) {
    const re = LICENSE_TEXTS[license];
    if (check(!!re, `package.json: license "${license}" is not one the validator knows (${Object.keys(LICENSE_TEXTS).join(', ')})`)) {
      check(re.test(text), `LICENSE is not the ${license} text that package.json declares`);
    }
  }
}

function checkModule(modulePath, name, id, where, check, options) {
  if (!check(existsSync(modulePath), `${where}: module.js is missing next to it`)) {
    return;
  }
  const code = readFileSync(modulePath, 'utf8');
  const m = /^(?:\/\*[\s\S]*?\*\/\s*)?define\((\[[^\]]*\]),/.exec(code);
  if (check(!!m, `${name}: not an AMD module (must start with define([...], ...))`)) {
    const deps = JSON.parse(m[1]);
    for (const d of deps) {
      check(isAllowedAmdDependency(d), `${name}: AMD dependency "${d}" is not a module Grafana shares with plugins`);
    }
  }
  check(!code.includes('__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED'), `${name}: React or ReactDOM is bundled (found React internals)`);
  check(!/\bReactCurrentDispatcher\b/.test(code), `${name}: React is bundled (found ReactCurrentDispatcher)`);
  if (options.metaDir) {
    const metaFile = join(options.metaDir, `metafile-${id}.json`);
    if (check(existsSync(metaFile), `${name}: no esbuild metafile ${metaFile} to prove what was bundled`)) {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
      const offenders = new Map();
      for (const input of Object.keys(meta.inputs)) {
        const pkg = packageOf(input);
        if (pkg && NEVER_BUNDLED.some((re) => re.test(pkg))) {
          offenders.set(pkg, input);
        }
      }
      for (const [pkg, input] of offenders) {
        check(false, `${name}: ${pkg} is bundled (input ${input}); it must stay external`);
      }
    }
  }
}

function checkRoutes(routes, check, warnings) {
  const seen = new Set();
  routes.forEach((route, i) => {
    const where = `plugin.json: routes[${i}]`;
    check(typeof route.path === 'string' && route.path !== '', `${where}.path is required`);
    check(typeof route.url === 'string' && route.url !== '', `${where}.url is required`);
    const method = route.method ?? '*';
    check(METHODS.includes(method), `${where}.method "${method}" is not one of ${METHODS.join(', ')}`);
    const key = `${method} ${route.path}`;
    check(!seen.has(key), `${where}: ${key} is declared twice (Grafana uses the first match)`);
    seen.add(key);
    if (route.reqRole !== undefined) {
      check(ROLES.includes(route.reqRole), `${where}.reqRole "${route.reqRole}" is not one of ${ROLES.join(', ')}`);
    } else if (method !== 'GET') {
      warnings.push(`${where}: ${method} ${route.path} has no reqRole: every signed-in user may call it`);
    }
    const templated = [['url', route.url ?? ''], ...(route.headers ?? []).map((h, j) => [`headers[${j}].content`, h.content ?? ''])];
    for (const [field, text] of templated) {
      for (const [, expr] of text.matchAll(TEMPLATE_RE)) {
        const m = TEMPLATE_EXPR_RE.exec(expr);
        if (!check(!!m, `${where}.${field}: template {{${expr}}} must be {{ .JsonData.key }} or {{ .SecureJsonData.key }}`)) {
          continue;
        }
        if (/token|secret|password|key/i.test(m[2])) {
          check(m[1] === 'SecureJsonData', `${where}.${field}: ${m[2]} looks secret and must come from .SecureJsonData, not .JsonData`);
        }
      }
    }
    check(!/\{\{\s*\.SecureJsonData/.test(route.url ?? ''), `${where}.url: secrets must not be put in the URL`);
  });
}

export function formatReport(report) {
  return [...report.errors.map((e) => `  error: ${e}`), ...report.warnings.map((w) => `  warning: ${w}`)].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dist = resolve(process.argv[2] ?? join(root, 'dist'));
  const grafanaVersion = JSON.parse(readFileSync(join(root, 'node_modules/@grafana/data/package.json'), 'utf8')).version;
  const license = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).license;
  const report = validateDist(dist, { metaDir: join(root, '.build'), grafanaVersion, license });
  console.log(formatReport(report) || '  no problems');
  console.log(`${report.errors.length === 0 ? 'valid' : 'INVALID'}: ${dist} (${report.checks} checks, ${report.errors.length} errors, ${report.warnings.length} warnings)`);
  process.exit(report.errors.length === 0 ? 0 : 1);
}
