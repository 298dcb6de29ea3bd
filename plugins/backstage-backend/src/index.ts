/** Drillbook's Backstage backend plugin: `backend.add(import('@drillbook/backstage-backend-plugin'))`. */
export { drillbookPlugin as default } from './plugin';
export * from './permissions';
export { entityRefOf } from './router';
