/** Test helpers (`@drillbook/alerts/testing`): a tiny stand-in for the reference stack's metrics. */
export { startTinyRecsys } from './tinyRecsys.js';
export type { TinyRecsys } from './tinyRecsys.js';
