export { DrillbookClient, API_PREFIX, controllerApiBase, reportPath, type DrillbookClientOptions } from './DrillbookClient.js';
export type { DrillbookApi, FollowDrillOptions, FollowOutcome, ListDrillsQuery } from './DrillbookApi.js';
export { DrillbookApiError, kindOfStatus, type ApiErrorKind, type ErrorOrigin } from './errors.js';
export { SseParser, readSseStream, type SseMessage } from './sse.js';
export { DRILL_STATES, FINISHED_STATES, isDrillState, isFinished, stateTone, type DrillState, type StateTone } from './states.js';
export type { GameDaysApi, CalendarQuery } from './GameDaysApi.js';
