import { standardEditorsRegistry, type StandardEditorsRegistryItem } from '@grafana/data';

/**
 * Grafana core fills the option-editor registry at start-up (with its real editor components);
 * outside Grafana the builder throws `"boolean" not found`. Reading a panel's option defaults only
 * needs the ids, so this registers placeholders for the editors the builder knows.
 */
const IDS = ['boolean', 'radio', 'number', 'text', 'select', 'multi-select', 'slider', 'color', 'strings', 'unit', 'links', 'mappings', 'thresholds', 'field-name', 'dashboard-uid', 'time-zone', 'fieldColor', 'custom'];

let installed = false;

export function installPlaceholderOptionEditors() {
  if (installed) {
    return;
  }
  installed = true;
  standardEditorsRegistry.setInit(() => IDS.map((id) => ({ id, name: id, editor: () => null }) as unknown as StandardEditorsRegistryItem));
}
