/**
 * Wraps esbuild's CommonJS output in an AMD `define([...deps], factory)` the way webpack's
 * `library.type: 'amd'` does for create-plugin builds: Grafana's SystemJS loader resolves the
 * dependency names to its shared modules and reads the plugin's exports from the factory's return.
 */
export function wrapAmd(cjsCode, deps, pluginId, banner) {
  const args = deps.map((_, i) => `__grafana_dep_${i}`);
  const table = deps.map((d, i) => `${JSON.stringify(d)}: ${args[i]}`).join(', ');
  const head =
    `${banner}\n` +
    `define(${JSON.stringify(deps)}, function (${args.join(', ')}) {` +
    ` var __externals = { ${table} };` +
    ` var require = function (name) { if (Object.prototype.hasOwnProperty.call(__externals, name)) { return __externals[name]; }` +
    ` throw new Error(${JSON.stringify(`${pluginId}: module "`)} + name + '" is neither bundled nor provided by Grafana'); };` +
    ` var module = { exports: {} }; var exports = module.exports;\n`;
  const tail = `\nreturn module.exports;\n});\n`;
  return { code: head + cjsCode + tail, headLines: 2 };
}

/** Shifts a source map by the wrapper's leading lines (each `;` in `mappings` is one generated line). */
export function shiftSourceMap(mapJson, lines, file) {
  const map = JSON.parse(mapJson);
  map.mappings = ';'.repeat(lines) + map.mappings;
  map.file = file;
  return JSON.stringify(map);
}
