import { PanelOptionsEditorBuilder, type PanelPlugin } from '@grafana/data';
import { installPlaceholderOptionEditors } from './optionEditors';

/** The options a panel starts with in Grafana: every builder item's defaultValue, keyed by path. */
export function panelOptionDefaults(plugin: PanelPlugin): Record<string, unknown> {
  installPlaceholderOptionEditors();
  const builder = new PanelOptionsEditorBuilder<Record<string, unknown>>();
  plugin.getPanelOptionsSupplier()(builder, { data: [] });
  const out: Record<string, unknown> = {};
  for (const item of (builder as unknown as { getItems(): Array<{ path: string; defaultValue: unknown }> }).getItems()) {
    out[item.path] = item.defaultValue;
  }
  return out;
}
