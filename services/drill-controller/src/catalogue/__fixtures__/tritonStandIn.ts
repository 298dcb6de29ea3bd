/**
 * A Triton stand-in for tests: the counters Triton's /metrics serves (nv_inference_request_success,
 * nv_inference_request_failure, nv_inference_request_duration_us, labels model/version), advanced by
 * a background "traffic" timer at a settable failure share. Triton itself is not available here;
 * Prometheus and the queries over these series are real.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class TritonStandIn {
  success = 0;
  failure = 0;
  durationUs = 0;
  failureShare = 0;
  private timer: NodeJS.Timeout | null = null;
  private server = http.createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    const l = '{model="recsys",version="1"}';
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# HELP nv_inference_request_success Number of successful inference requests, all batch sizes',
        '# TYPE nv_inference_request_success counter',
        `nv_inference_request_success${l} ${this.success}`,
        '# HELP nv_inference_request_failure Number of failed inference requests, all batch sizes',
        '# TYPE nv_inference_request_failure counter',
        `nv_inference_request_failure{model="recsys",reason="OTHER",version="1"} ${this.failure}`,
        '# HELP nv_inference_request_duration_us Cumulative inference request duration in microseconds (includes cached requests)',
        '# TYPE nv_inference_request_duration_us counter',
        `nv_inference_request_duration_us${l} ${this.durationUs}`,
        '',
      ].join('\n'),
    );
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    // 100 requests per 100 ms tick, 4 ms each.
    this.timer = setInterval(() => {
      const bad = Math.round(100 * this.failureShare);
      this.failure += bad;
      this.success += 100 - bad;
      this.durationUs += 100 * 4000;
    }, 100);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

