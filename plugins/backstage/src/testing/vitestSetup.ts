// vitest setup (not named setupTests.ts: backstage-cli's jest would pick that up).
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => cleanup());
