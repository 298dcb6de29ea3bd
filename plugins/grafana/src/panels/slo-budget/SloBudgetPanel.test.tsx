import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataFrame } from '@grafana/data';
import { panelDataErrorViewCalls as errorView } from '../../__fixtures__/panelDataErrorView';
import { panelProps } from '../../__fixtures__/panelProps';
import { promSeries, promTable, sloFrames, type SloFixture } from '../../__fixtures__/prometheusFrames';
import { TEST_IDS } from '../../constants';
import { SloBudgetPanel } from './SloBudgetPanel';
import { defaultSloBudgetOptions, type SloBudgetOptions } from './types';

vi.mock('@grafana/runtime', async (orig) => ({
  ...(await orig<typeof import('@grafana/runtime')>()),
  PanelDataErrorView: (await import('../../__fixtures__/panelDataErrorView')).RecordingPanelDataErrorView,
}));

beforeEach(() => errorView.mockClear());

const renderPanel = (series: DataFrame[], options: Partial<SloBudgetOptions> = {}) =>
  render(<SloBudgetPanel {...panelProps(series, { ...defaultSloBudgetOptions, ...options })} />);

const healthy: SloFixture = {
  service: 'recsys-reference',
  slo: 'availability',
  objective: 0.999,
  // 0.7x burn on 5m, well inside budget everywhere
  ratios: { '5m': 0.0007, '30m': 0.0006, '1h': 0.0005, '2h': 0.0005, '6h': 0.0004, '1d': 0.0004, '3d': 0.0004, '30d': 0.00038 },
  remaining: 0.62,
};

// What a failed zone-outage drill leaves behind: ~29x burn on the short windows, budget overspent.
const afterFailedDrill: SloFixture = {
  service: 'recsys-reference',
  slo: 'latency',
  objective: 0.99,
  ratios: { '5m': 0.29, '30m': 0.2, '1h': 0.16, '2h': 0.09, '6h': 0.031, '1d': 0.012, '3d': 0.006, '30d': 0.0112 },
  remaining: -0.12,
};

const card = (slo: string) => screen.getAllByTestId(TEST_IDS.sloBudget.slo).find((c) => c.getAttribute('aria-label') === `SLO ${slo}`)!;
const windows = (el: HTMLElement) => within(el).getAllByTestId(TEST_IDS.sloBudget.window);

describe('SloBudgetPanel', () => {
  it('shows attainment against the objective, budget remaining and a burn gauge per SLO', () => {
    renderPanel([...sloFrames(healthy), ...sloFrames(afterFailedDrill)]);
    expect(screen.getAllByTestId(TEST_IDS.sloBudget.slo)).toHaveLength(2);
    const a = card('availability');
    expect(a).toHaveTextContent('99.962%');
    expect(a).toHaveTextContent('objective 99.90%');
    expect(a).toHaveTextContent('62.0%');
    const gauge = within(a).getByTestId(TEST_IDS.sloBudget.burnGauge);
    expect(gauge).toHaveAttribute('data-band', 'ok');
    expect(gauge).toHaveAccessibleName('burn rate (5m): 0.70× (ok)');
    expect(windows(a).map((w) => w.getAttribute('data-firing'))).toEqual(['false', 'false', 'false', 'false']);
    expect(errorView).not.toHaveBeenCalled();
  });

  it('shows an overspent budget and a firing page alert after a failed drill burned the budget', () => {
    renderPanel(sloFrames(afterFailedDrill));
    const l = card('latency');
    expect(l).toHaveTextContent('budget overspent');
    expect(l).toHaveTextContent('-12.0%');
    expect(within(l).getByTestId(TEST_IDS.sloBudget.burnGauge)).toHaveAttribute('data-band', 'page');
    const [page1h, page6h, ticket1d, ticket3d] = windows(l);
    expect(page1h).toHaveTextContent('page ≥ 14.4×');
    expect(page1h).toHaveTextContent('16.0× / 29.0×');
    expect(page1h).toHaveAttribute('data-firing', 'true');
    expect(page6h).toHaveAttribute('data-firing', 'false'); // 3.1x over 6h is below 6x
    expect(ticket1d).toHaveAttribute('data-firing', 'false'); // 1.2x over 1d is below 3x
    expect(ticket3d).toHaveAttribute('data-firing', 'false'); // 0.6x over 3d is below 1x
  });

  it("hands empty data to Grafana's PanelDataErrorView", () => {
    renderPanel([]);
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('No data');
    expect(screen.queryByTestId(TEST_IDS.sloBudget.root)).not.toBeInTheDocument();
  });

  it('says which query it needs when the data holds no slo:* recording rules', () => {
    renderPanel([promSeries('up', { job: 'gateway' }, [1])]);
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('No Sloth SLO recording rules (slo:*) in the data');
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('slo:period_error_budget_remaining:ratio');
  });

  it('names the missing labels when the series lack sloth_service and sloth_slo', () => {
    renderPanel([promSeries('slo:current_burn_rate:ratio', { job: 'x' }, [1.2])]);
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('no sloth_service / sloth_slo labels');
  });

  it('leaves burn rates empty and lists the rules it lacks when the objective and error budget are missing', () => {
    renderPanel(sloFrames(healthy, { omit: ['slo:objective:ratio', 'slo:error_budget:ratio', 'slo:current_burn_rate:ratio'] }));
    const a = card('availability');
    expect(within(a).getByTestId(TEST_IDS.sloBudget.burnGauge)).toHaveAttribute('data-band', 'unknown');
    expect(windows(a).map((w) => w.getAttribute('data-firing'))).toEqual(['null', 'null', 'null', 'null']);
    expect(a).toHaveTextContent('Not in the data: slo:objective:ratio or slo:error_budget:ratio');
    // attainment needs no budget: still shown
    expect(a).toHaveTextContent('99.962%');
  });

  it('reads an instant query in table format', () => {
    const l = { sloth_service: 'recsys-reference', sloth_slo: 'availability' };
    renderPanel([
      promTable([
        { __name__: 'slo:objective:ratio', ...l, Value: 0.999 },
        { __name__: 'slo:error_budget:ratio', ...l, Value: 0.001 },
        { __name__: 'slo:current_burn_rate:ratio', ...l, Value: 7.5 },
        { __name__: 'slo:period_error_budget_remaining:ratio', ...l, Value: 0.4 },
        { __name__: 'slo:sli_error:ratio_rate30d', ...l, sloth_window: '30d', Value: 0.0006 },
      ]),
    ]);
    const a = card('availability');
    expect(a).toHaveTextContent('99.940%');
    expect(within(a).getByTestId(TEST_IDS.sloBudget.burnGauge)).toHaveAttribute('data-band', 'page');
  });
});

describe('the SLO budget panel plugin', () => {
  it('builds its options editor with the documented defaults', async () => {
    const { plugin } = await import('./module');
    const { panelOptionDefaults } = await import('../../__fixtures__/panelOptionDefaults');
    expect(panelOptionDefaults(plugin)).toEqual(defaultSloBudgetOptions);
  });
});
