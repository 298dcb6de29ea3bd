import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { DrillbookDataSource } from './datasource';
import { QueryEditor } from './QueryEditor';
import type { DrillbookDataSourceOptions, DrillbookQuery } from './types';

export const plugin = new DataSourcePlugin<DrillbookDataSource, DrillbookQuery, DrillbookDataSourceOptions>(DrillbookDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
