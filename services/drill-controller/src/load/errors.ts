/**
 * Errors of the load module, under the controller's one root (`DrillError`, which also names each
 * error after its class). Every message names the file or the field that was wrong.
 */
import { DrillError } from '../errors.js';

export class LoadError extends DrillError {}

/** A load plan or a sessions file that cannot be used; `field` is the path of the bad value. */
export class InvalidLoadPlan extends LoadError {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly source = 'load plan',
  ) {
    super(`${source}: ${field}: expected ${expected}`);
  }
}

/** The requested engine cannot run here (e.g. `k6` asked for but not on PATH). */
export class LoadEngineUnavailable extends LoadError {}

/** A summary or points file that is missing or not in the k6 shapes. */
export class LoadOutputError extends LoadError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}
