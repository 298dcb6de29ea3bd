/** Time for the game-day features, injectable so tests move it by hand. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests set and advance. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(at: string | number): void {
    this.t = typeof at === 'string' ? Date.parse(at) : at;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
