// Modules Grafana shares with plugins at run time (Grafana's sharedDependenciesMap), kept out of
// module.js exactly as @grafana/create-plugin's webpack externals do. react-router-dom v6 is
// bundled and resolves its `react-router` import to Grafana's copy.

/** Exact module names Grafana provides to plugin AMD modules. */
export const GRAFANA_SHARED = [
  '@emotion/css',
  '@emotion/react',
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/ui',
  '@grafana/slate-react',
  'd3',
  'emotion',
  'i18next',
  'jquery',
  'lodash',
  'moment',
  'prismjs',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-redux',
  'redux',
  'react-router',
  'rxjs',
  'rxjs/operators',
  'slate',
  'slate-plain-serializer',
  'angular',
];

/** esbuild `external` patterns: the shared names plus subpaths of the three @grafana packages. */
export const ESBUILD_EXTERNALS = [...GRAFANA_SHARED, '@grafana/data/*', '@grafana/runtime/*', '@grafana/ui/*'];

/** Packages that must never end up inside module.js (they would be a second copy next to Grafana's). */
export const NEVER_BUNDLED = [/^react$/, /^react-dom$/, /^@grafana\//, /^@emotion\//, /^rxjs$/, /^lodash$/, /^moment$/, /^jquery$/, /^scheduler$/];

export function isAllowedAmdDependency(name) {
  return GRAFANA_SHARED.includes(name) || /^@grafana\/(data|runtime|ui)\/.+/.test(name);
}
