import { DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  /** Last value read; kept while a refresh runs or fails. */
  value?: T;
  /** Error of the last read, cleared by the next successful one. */
  error?: Error;
  /** True until the first read settles (and again after `deps` change). */
  loading: boolean;
  /** Read again now. */
  refresh: () => void;
}

/**
 * Reads `load()` now, whenever `deps` change, and every `intervalMs` (0 = never) after that.
 * Live figures stay on screen during a refresh, so cards do not flash back to a spinner.
 */
export function usePolled<T>(load: () => Promise<T>, deps: DependencyList, intervalMs: number): Polled<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const refresh = useCallback(() => setTick(t => t + 1), []);

  // New deps: forget what was read for the old ones.
  useEffect(() => {
    setState({ loading: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    let cancelled = false;
    loadRef.current().then(
      value => {
        if (!cancelled) setState({ value, loading: false });
      },
      (error: unknown) => {
        if (!cancelled) setState(prev => ({ value: prev.value, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  useEffect(() => {
    if (!intervalMs) return undefined;
    const timer = setInterval(refresh, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, refresh]);

  return { ...state, refresh };
}
