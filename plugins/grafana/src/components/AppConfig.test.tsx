import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { of } from 'rxjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PluginType, type AppPluginMeta } from '@grafana/data';
import { TEST_IDS, type AppSettings } from '../constants';
import { AppConfig, controllerUrlProblem } from './AppConfig';

const backend = vi.hoisted(() => ({ fetch: vi.fn() }));
vi.mock('@grafana/runtime', async (orig) => ({
  ...(await orig<typeof import('@grafana/runtime')>()),
  getBackendSrv: () => backend,
}));

const meta = (jsonData: AppSettings = {}, tokenSet = false) =>
  ({
    id: 'drillbook-gameday-app',
    name: 'Drillbook game days',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData,
    secureJsonFields: tokenSet ? { controllerToken: true } : {},
    info: {} as AppPluginMeta['info'],
    module: '',
    baseUrl: '',
  }) as AppPluginMeta<AppSettings>;

const renderConfig = (m: AppPluginMeta<AppSettings>) =>
  render(<AppConfig plugin={{ meta: m } as never} query={{}} />);

beforeEach(() => {
  backend.fetch.mockReset().mockReturnValue(of({ data: {} }));
  Object.defineProperty(window, 'location', { configurable: true, value: { ...window.location, reload: vi.fn() } });
});

describe('controllerUrlProblem', () => {
  it.each([
    ['', 'controllerUrl is required'],
    ['drillbook:8080', 'controllerUrl must use http or https, not drillbook:'],
    ['not a url', 'controllerUrl "not a url" is not an absolute URL (e.g. http://drillbook:8080)'],
    ['http://drillbook:8080/api/v1', 'controllerUrl must be the controller root: the plugin route appends /api/v1 itself'],
    ['http://drillbook:8080/?x=1', 'controllerUrl must not carry a query or fragment'],
  ])('rejects %j with a message naming controllerUrl', (value, message) => {
    expect(controllerUrlProblem(value)).toBe(message);
  });

  it('accepts an http or https root URL, with or without a path prefix', () => {
    expect(controllerUrlProblem('http://127.0.0.1:7070')).toBeNull();
    expect(controllerUrlProblem('https://drillbook.internal/sre')).toBeNull();
  });
});

describe('AppConfig', () => {
  it('saves the URL in jsonData and the token only in secureJsonData', async () => {
    const user = userEvent.setup({ delay: null });
    renderConfig(meta());
    await user.type(screen.getByTestId(TEST_IDS.config.url), 'http://127.0.0.1:7070/');
    await user.type(screen.getByTestId(TEST_IDS.config.token), 's3cret');
    await user.click(screen.getByTestId(TEST_IDS.config.save));
    await waitFor(() => expect(backend.fetch).toHaveBeenCalledTimes(1));
    const req = backend.fetch.mock.calls[0][0];
    expect(req).toMatchObject({ url: '/api/plugins/drillbook-gameday-app/settings', method: 'POST' });
    expect(req.data.jsonData).toEqual({ controllerUrl: 'http://127.0.0.1:7070' });
    expect(req.data.secureJsonData).toEqual({ controllerToken: 's3cret' });
    expect(JSON.stringify(req.data.jsonData)).not.toContain('s3cret');
  });

  it('keeps a stored token untouched instead of sending it again', async () => {
    const user = userEvent.setup({ delay: null });
    renderConfig(meta({ controllerUrl: 'http://old:7070' }, true));
    const url = screen.getByTestId(TEST_IDS.config.url);
    await user.clear(url);
    await user.type(url, 'http://new:7070');
    await user.click(screen.getByTestId(TEST_IDS.config.save));
    await waitFor(() => expect(backend.fetch).toHaveBeenCalledTimes(1));
    expect(backend.fetch.mock.calls[0][0].data.secureJsonData).toBeUndefined();
    expect(backend.fetch.mock.calls[0][0].data.jsonData).toEqual({ controllerUrl: 'http://new:7070' });
  });

  it('will not save an invalid URL or a missing token, and says why', async () => {
    const user = userEvent.setup({ delay: null });
    renderConfig(meta());
    await user.type(screen.getByTestId(TEST_IDS.config.url), 'http://x/api/v1');
    expect(screen.getByText('controllerUrl must be the controller root: the plugin route appends /api/v1 itself')).toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.config.save)).toBeDisabled();
    await user.clear(screen.getByTestId(TEST_IDS.config.url));
    await user.type(screen.getByTestId(TEST_IDS.config.url), 'http://x');
    expect(screen.getByTestId(TEST_IDS.config.save)).toBeDisabled(); // no token yet
    expect(backend.fetch).not.toHaveBeenCalled();
  });
});
