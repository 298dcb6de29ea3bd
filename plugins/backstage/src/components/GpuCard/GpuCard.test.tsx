import React from 'react';
import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { GpuCard } from './GpuCard';
import { makeEntity } from '../../__fixtures__/entities';
import { makeFakeDrillbookApi, pending } from '../../__fixtures__/fakeApi';
import { makeGpu, makeGpuDevice, makeNoGpu, makeService } from '../../__fixtures__/controller';
import { renderEntityCard } from '../../testing/render';
import { DrillbookApiError } from '@drillbook/client';

const entity = makeEntity({ serviceId: 'recsys-reference' });

describe('GpuCard', () => {
  it('shows a progress bar while the service is loading', async () => {
    await renderEntityCard(<GpuCard />, { entity, api: makeFakeDrillbookApi({ getService: () => pending() }) });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('explains that the annotation is missing', async () => {
    await renderEntityCard(<GpuCard />, { entity: makeEntity({}), api: makeFakeDrillbookApi() });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it('shows a readable message when the controller cannot be reached', async () => {
    const api = makeFakeDrillbookApi({
      getService: async () => {
        throw DrillbookApiError.network('GET', 'http://localhost:7007/api/proxy/drillbook/api/v1/services/recsys-reference', new TypeError('Failed to fetch'));
      },
    });
    await renderEntityCard(<GpuCard />, { entity, api });
    expect(await screen.findByText(/Drillbook controller unreachable/)).toBeInTheDocument();
    expect(screen.getByText(/Failed to fetch/)).toBeInTheDocument();
  });

  it('says there is no GPU, shows the CPU engine reading instead and names the source', async () => {
    await renderEntityCard(<GpuCard />, { entity, api: makeFakeDrillbookApi({ getService: async () => makeService({ gpu: makeNoGpu() }) }) });
    expect(await screen.findByTestId('no-gpu')).toHaveTextContent('No GPU on this service');
    expect(screen.getByText('no GPU on this service: inference runs on CPU')).toBeInTheDocument();
    const cpu = within(screen.getByRole('table', { name: 'CPU inference engine busy fraction per replica' }));
    expect(cpu.getByLabelText('replica-a1 cpu utilisation: 18%')).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: /GPU utilisation/ })).not.toBeInTheDocument();
    expect(screen.getByTestId('data-source')).toHaveTextContent('replica /metrics scrape · http://127.0.0.1:8081/metrics');
  });

  it('shows utilisation and memory for every replica and device with the data source', async () => {
    await renderEntityCard(<GpuCard />, { entity, api: makeFakeDrillbookApi({ getService: async () => makeService({ gpu: makeGpu() }) }) });
    const table = within(await screen.findByRole('table', { name: 'GPU utilisation and memory per replica and device' }));
    expect(table.getAllByRole('row')).toHaveLength(3);
    expect(table.getByLabelText('replica-a1 GPU-0 utilisation: 42%')).toBeInTheDocument();
    expect(table.getByLabelText('replica-b1 GPU-1 utilisation: 90%')).toBeInTheDocument();
    expect(table.getByLabelText('replica-a1 GPU-0 memory: 25%')).toBeInTheDocument();
    expect(table.getByText('20.0 GiB / 24.0 GiB')).toBeInTheDocument();
    expect(table.getAllByText('NVIDIA L4')).toHaveLength(2);
    expect(screen.getByTestId('data-source')).toHaveTextContent('Prometheus · http://127.0.0.1:9099 · DCGM exporter (DCGM_FI_DEV_GPU_UTIL)');
  });

  it('shows a dash for a device whose reading is missing', async () => {
    const gpu = makeGpu({ devices: [makeGpuDevice({ utilization: null, memoryUsedBytes: null })] });
    await renderEntityCard(<GpuCard />, { entity, api: makeFakeDrillbookApi({ getService: async () => makeService({ gpu }) }) });
    expect(await screen.findByLabelText('replica-a1 GPU-0 utilisation: no reading')).toHaveTextContent('—');
  });
});
