import { useMemo } from 'react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { DrillbookSettings, readDrillbookSettings } from '../config';

export function useDrillbookSettings(): DrillbookSettings {
  const config = useApi(configApiRef);
  return useMemo(() => readDrillbookSettings(config), [config]);
}
