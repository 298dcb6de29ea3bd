// HARNESS ONLY: the modules Grafana's sharedDependenciesMap hands to plugins, from this install root.
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntimeModule from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as reactRouter from 'react-router';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

import { HarnessPanelDataErrorView } from './panelDataErrorView';

// Grafana replaces @grafana/runtime's placeholder PanelDataErrorView with its own at start-up
// (internal setter); the harness does the same with a stand-in that words things as Grafana does.
const grafanaRuntime = { ...grafanaRuntimeModule, PanelDataErrorView: HarnessPanelDataErrorView };

export const shared: Record<string, unknown> = {
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  // Grafana hands plugins react-router-dom-v5-compat here, which re-exports react-router v6.
  'react-router': reactRouter,
  rxjs,
  'rxjs/operators': rxjsOperators,
};
