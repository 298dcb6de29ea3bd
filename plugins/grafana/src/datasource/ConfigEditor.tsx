import React from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Alert } from '@grafana/ui';
import { PLUGIN_ID } from '../constants';
import type { DrillbookDataSourceOptions } from './types';

/** Nothing to set: the data source uses the controller URL and token of the Drillbook app. */
export function ConfigEditor(_props: DataSourcePluginOptionsEditorProps<DrillbookDataSourceOptions>) {
  return (
    <Alert severity="info" title="Uses the Drillbook app's controller settings">
      This data source reads scorecards and drill history from the drill controller through the plugin routes of the
      Drillbook app ({PLUGIN_ID}). Set the controller URL and token on the app&apos;s configuration page
      (/plugins/{PLUGIN_ID}); then Save &amp; test here checks the connection.
    </Alert>
  );
}
