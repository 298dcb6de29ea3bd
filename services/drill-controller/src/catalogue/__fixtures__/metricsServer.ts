/** A stand-in endpoint serving Prometheus text that a test sets, and /readyz, for catalogue unit tests. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsServer {
  url: string;
  set(text: string): void;
  ready(status: number, version: string | null): void;
  close(): Promise<void>;
}

export async function metricsServer(): Promise<MetricsServer> {
  let text = '';
  let ready = { status: 200, version: 'v1' as string | null };
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(text);
    } else if (req.url === '/readyz') {
      res.writeHead(ready.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ready: ready.status === 200, model: ready.version ? { name: 'recsys-two-tower', version: ready.version } : null }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (t) => (text = t),
    ready: (status, version) => (ready = { status, version }),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Gateway exposition with the contract's request histogram: good/bad/synthetic counts and a latency bucket. */
export function gatewayText(o: { ok: number; failed: number; fast?: number; syntheticFailed?: number }): string {
  const series = (code: string, synthetic: string, count: number, fast: number) =>
    [
      `http_server_request_duration_seconds_bucket{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="${code}",synthetic="${synthetic}",le="0.25"} ${fast}`,
      `http_server_request_duration_seconds_bucket{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="${code}",synthetic="${synthetic}",le="+Inf"} ${count}`,
      `http_server_request_duration_seconds_count{http_request_method="POST",http_route="/v1/recommend",http_response_status_code="${code}",synthetic="${synthetic}"} ${count}`,
    ].join('\n');
  return [
    '# TYPE http_server_request_duration_seconds histogram',
    series('200', 'false', o.ok, o.fast ?? o.ok),
    series('503', 'false', o.failed, o.failed),
    series('503', 'true', o.syntheticFailed ?? 0, o.syntheticFailed ?? 0),
    `http_server_request_duration_seconds_count{http_request_method="GET",http_route="/readyz",http_response_status_code="200",synthetic="false"} 50`,
    '',
  ].join('\n');
}

export function replicaText(o: { version: string; gpuPresent?: number; cpuBusy?: number; gpu?: { util: number; used: number; total: number }; fallback?: number }): string {
  return [
    `recsys_model_info{model="recsys-two-tower",version="${o.version}",sha256="ab"} 1`,
    `accelerator_gpu_present ${o.gpuPresent ?? 0}`,
    `accelerator_utilization_ratio{device="cpu0",kind="cpu"} ${o.cpuBusy ?? 0.25}`,
    ...(o.gpu
      ? [
          `accelerator_utilization_ratio{device="GPU-1",kind="gpu"} ${o.gpu.util}`,
          `accelerator_memory_used_bytes{device="GPU-1",kind="gpu"} ${o.gpu.used}`,
          `accelerator_memory_total_bytes{device="GPU-1",kind="gpu"} ${o.gpu.total}`,
        ]
      : []),
    `recsys_fallback_total{model="recsys-two-tower",reason="deadline"} ${o.fallback ?? 0}`,
    '',
  ].join('\n');
}
