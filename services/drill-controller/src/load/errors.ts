/** Errors of the load module. Every message names the file or the field that was wrong. */

export class LoadError extends Error {
  override name = 'LoadError';
}

/** A load plan or a sessions file that cannot be used; `field` is the path of the bad value. */
export class InvalidLoadPlan extends LoadError {
  override name = 'InvalidLoadPlan';
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly source = 'load plan',
  ) {
    super(`${source}: ${field}: expected ${expected}`);
  }
}

/** The requested engine cannot run here (e.g. `k6` asked for but not on PATH). */
export class LoadEngineUnavailable extends LoadError {
  override name = 'LoadEngineUnavailable';
}

/** A summary or points file that is missing or not in the k6 shapes. */
export class LoadOutputError extends LoadError {
  override name = 'LoadOutputError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}
