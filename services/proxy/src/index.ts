export { FaultProxy, type Log } from './Proxy.js';
export { parseConfig, type ProxyConfig, type ProxyOptions } from './config.js';
export { proxyCli, PROXY_USAGE } from './cli.js';
export { parseProxyFault } from './faults/parse.js';
export { ProxyFaultRegistry } from './faults/registry.js';
export { sampleDelayMs } from './faults/delay.js';
export { corruptJson } from './faults/corrupt.js';
export { ConfigError, ProxyError, BadRequest } from './errors.js';
