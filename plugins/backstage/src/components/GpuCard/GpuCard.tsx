import React from 'react';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { GpuDevice, GpuStatus } from '@drillbook/contracts';
import { formatBytes, formatPercent, MISSING } from '../common/format';
import { ServiceCardFrame } from '../common/ServiceCardFrame';
import { SourceNote } from '../common/SourceNote';

function Meter({ ratio, label }: { ratio: number | null; label: string }) {
  if (ratio === null) return <span aria-label={`${label}: no reading`}>{MISSING}</span>;
  return (
    <div aria-label={`${label}: ${formatPercent(ratio, 0)}`}>
      <Typography variant="body2">{formatPercent(ratio, 0)}</Typography>
      <LinearProgress variant="determinate" value={Math.min(100, Math.max(0, ratio * 100))} color={ratio >= 0.9 ? 'secondary' : 'primary'} />
    </div>
  );
}

function memoryRatio(d: GpuDevice): number | null {
  return d.memoryUsedBytes !== null && d.memoryTotalBytes ? d.memoryUsedBytes / d.memoryTotalBytes : null;
}

function DeviceTable({ devices, caption }: { devices: GpuDevice[]; caption: string }) {
  const showMemory = devices.some(d => d.memoryUsedBytes !== null || d.memoryTotalBytes !== null);
  return (
    <Table size="small" aria-label={caption}>
      <TableHead>
        <TableRow>
          <TableCell>Replica</TableCell>
          <TableCell>Device</TableCell>
          <TableCell>Utilisation</TableCell>
          {showMemory && <TableCell>Memory</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {devices.map(d => (
          <TableRow key={`${d.replica}/${d.device}`}>
            <TableCell>{d.replica}</TableCell>
            <TableCell>
              {d.device}
              {d.model ? (
                <Typography variant="caption" color="textSecondary" component="div">
                  {d.model}
                </Typography>
              ) : null}
            </TableCell>
            <TableCell>
              <Meter ratio={d.utilization} label={`${d.replica} ${d.device} utilisation`} />
            </TableCell>
            {showMemory && (
              <TableCell>
                <Meter ratio={memoryRatio(d)} label={`${d.replica} ${d.device} memory`} />
                <Typography variant="caption" color="textSecondary">
                  {formatBytes(d.memoryUsedBytes)} / {formatBytes(d.memoryTotalBytes)}
                </Typography>
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function GpuView({ gpu }: { gpu: GpuStatus }) {
  const gpus = gpu.devices.filter(d => d.kind === 'gpu');
  const cpus = gpu.devices.filter(d => d.kind === 'cpu');
  if (!gpu.present || gpus.length === 0) {
    return (
      <>
        <Typography variant="h6" component="p" data-testid="no-gpu">
          No GPU on this service
        </Typography>
        <Typography variant="body2" color="textSecondary" paragraph>
          {gpu.message ?? 'The controller found no GPU (no DCGM exporter series and no nvidia-smi reading) for this service.'}
        </Typography>
        {cpus.length > 0 && <DeviceTable devices={cpus} caption="CPU inference engine busy fraction per replica" />}
        <SourceNote source={gpu.source} />
      </>
    );
  }
  return (
    <>
      <DeviceTable devices={gpus} caption="GPU utilisation and memory per replica and device" />
      {cpus.length > 0 && <DeviceTable devices={cpus} caption="CPU inference engine busy fraction per replica" />}
      <SourceNote source={gpu.source} />
    </>
  );
}

/** Entity card: accelerator utilisation and memory per replica/device, or why there is none. */
export function GpuCard() {
  return (
    <ServiceCardFrame title="GPU / accelerator" subheader="Drillbook · live">
      {service => <GpuView gpu={service.gpu} />}
    </ServiceCardFrame>
  );
}
