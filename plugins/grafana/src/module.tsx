import { AppPlugin } from '@grafana/data';
import { AppConfig } from './components/AppConfig';
import type { AppSettings } from './constants';
import { App } from './pages/App';

export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
