import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import type { WhoAmI } from '@drillbook/contracts';
import { createDrillbookClient } from '../drillbookApi';
import { describeError } from './describeError';
import { TEST_IDS, type AppSettings } from '../constants';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

/** Checks the controller URL the way the plugin route will use it; returns the problem or null. */
export function controllerUrlProblem(value: string): string | null {
  if (value.trim() === '') {
    return 'controllerUrl is required';
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `controllerUrl "${value}" is not an absolute URL (e.g. http://drillbook:8080)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `controllerUrl must use http or https, not ${url.protocol}`;
  }
  if (/\/api\/v1\/?$/.test(url.pathname)) {
    return 'controllerUrl must be the controller root: the plugin route appends /api/v1 itself';
  }
  if (url.search || url.hash) {
    return 'controllerUrl must not carry a query or fragment';
  }
  return null;
}

/**
 * App settings: the controller URL (jsonData) and its bearer token (secureJsonData: encrypted by
 * Grafana, only `secureJsonFields.controllerToken = true` ever reaches the browser).
 */
export function AppConfig({ plugin }: AppConfigProps) {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [url, setUrl] = useState(jsonData?.controllerUrl ?? '');
  const [token, setToken] = useState('');
  const [tokenSet, setTokenSet] = useState(Boolean(secureJsonFields?.controllerToken));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [test, setTest] = useState<{ ok: true; me: WhoAmI } | { ok: false; title: string; detail: string } | null>(null);
  const problem = controllerUrlProblem(url);
  const tokenMissing = !tokenSet && token.trim() === '';

  const save = async () => {
    if (problem || tokenMissing) {
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      await updatePlugin(plugin.meta.id, {
        enabled: enabled ?? true,
        pinned: pinned ?? true,
        jsonData: { ...(jsonData ?? {}), controllerUrl: url.trim().replace(/\/+$/, '') },
        // Only sent when typed: Grafana keeps the stored secret otherwise.
        secureJsonData: tokenSet ? undefined : { controllerToken: token.trim() },
      } as Partial<PluginMeta<AppSettings>>);
      window.location.reload();
    } catch (err) {
      setSaveError(err instanceof Error ? err.message : String(err));
      setSaving(false);
    }
  };

  const testConnection = async () => {
    setTest(null);
    try {
      setTest({ ok: true, me: await createDrillbookClient().me() });
    } catch (err) {
      setTest({ ok: false, ...describeError(err, 'reach the controller') });
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <FieldSet label="Drill controller">
        <Field
          label="Controller URL"
          description="Root URL of `drillbook serve`, as Grafana's server reaches it (the browser never calls it directly)"
          invalid={url !== '' && problem !== null}
          error={url !== '' ? problem : undefined}
        >
          <Input
            width={60}
            id="drillbook-controller-url"
            data-testid={TEST_IDS.config.url}
            value={url}
            placeholder="http://127.0.0.1:7070"
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
        </Field>
        <Field label="Controller token" description="Bearer token with the operator role (viewer tokens can only read). Stored encrypted in secureJsonData.">
          <SecretInput
            width={60}
            id="drillbook-controller-token"
            data-testid={TEST_IDS.config.token}
            value={token}
            isConfigured={tokenSet}
            placeholder="drillbook token"
            onChange={(e) => setToken(e.currentTarget.value)}
            onReset={() => {
              setToken('');
              setTokenSet(false);
            }}
          />
        </Field>
        <Stack direction="row" gap={1}>
          <Button type="submit" data-testid={TEST_IDS.config.save} disabled={saving || problem !== null || tokenMissing}>
            {saving ? 'Saving…' : 'Save settings'}
          </Button>
          <Button type="button" variant="secondary" data-testid={TEST_IDS.config.test} disabled={!jsonData?.controllerUrl} onClick={testConnection}>
            Test saved settings
          </Button>
        </Stack>
        <div style={{ height: 16 }} />
        {saveError && (
          <Alert severity="error" title="Could not save the settings">
            {saveError}
          </Alert>
        )}
        {test?.ok === true && (
          <Alert severity="success" title="Connected to the drill controller">
            The token belongs to {test.me.subject} with role {test.me.role}
            {test.me.role === 'viewer' ? ': read only, launching drills needs an operator token.' : '.'}
          </Alert>
        )}
        {test?.ok === false && (
          <Alert severity="error" title={test.title}>
            {test.detail}
          </Alert>
        )}
      </FieldSet>
    </form>
  );
}

async function updatePlugin(pluginId: string, data: Partial<PluginMeta<AppSettings>>) {
  return lastValueFrom(getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data }));
}

export default AppConfig;
