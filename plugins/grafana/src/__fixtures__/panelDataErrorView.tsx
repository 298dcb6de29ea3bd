import React from 'react';
import type { PanelDataErrorViewProps } from '@grafana/runtime';
import { vi } from 'vitest';

/**
 * Grafana installs its own PanelDataErrorView at start-up (through an internal setter), so panel
 * tests replace @grafana/runtime's export with this recording one:
 *
 *   vi.mock('@grafana/runtime', async (orig) => ({
 *     ...(await orig<typeof import('@grafana/runtime')>()),
 *     PanelDataErrorView: (await import('../../__fixtures__/panelDataErrorView')).RecordingPanelDataErrorView,
 *   }));
 */
export const panelDataErrorViewCalls = vi.fn<(props: PanelDataErrorViewProps) => void>();

export function RecordingPanelDataErrorView(props: PanelDataErrorViewProps) {
  panelDataErrorViewCalls(props);
  return <div data-testid="panel-data-error">{props.message ?? 'No data'}</div>;
}
