// vitest setup (not named setupTests.ts: backstage-cli's jest would pick that up).
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// The machine running the suite is shared and busy: give findBy*/waitFor more than the default 1 s.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
