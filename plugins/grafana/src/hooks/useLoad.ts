import { useCallback, useEffect, useRef, useState } from 'react';

export type Load<T> =
  | { status: 'loading'; value?: T }
  | { status: 'done'; value: T }
  | { status: 'error'; error: unknown; value?: T };

/** Runs `fn` on mount and whenever `deps` change; `reload()` runs it again. Stale results are dropped. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): [Load<T>, () => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const id = ++run.current;
    setState((s) => ({ status: 'loading', value: s.value }));
    fn().then(
      (value) => id === run.current && setState({ status: 'done', value }),
      (error) => id === run.current && setState((s) => ({ status: 'error', error, value: s.value }))
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [state, reload];
}
