// The floor of the proxy benchmark: a bare TCP relay in its own process. Each client connection gets
// its own upstream connection and bytes are piped both ways, with no HTTP parsing, no fault check,
// no metrics: the socket work (two reads and two writes per request) that any userland proxy pays,
// and nothing else. Not a product component; `bench/proxy/run.ts` measures it beside the proxy.
// UPSTREAM=http://127.0.0.1:PORT. Prints `listening on http://127.0.0.1:<port>`.
import net from 'node:net';

const upstream = new URL(process.env.UPSTREAM ?? '');
const server = net.createServer({ noDelay: true }, (client) => {
  const up = net.connect({ host: upstream.hostname, port: Number(upstream.port), noDelay: true });
  client.pipe(up);
  up.pipe(client);
  const close = () => {
    client.destroy();
    up.destroy();
  };
  client.on('error', close);
  up.on('error', close);
  client.on('close', close);
  up.on('close', close);
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
