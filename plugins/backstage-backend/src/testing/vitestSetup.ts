// @backstage/backend-test-utils' `mockServices.*.mock()` helpers call `jest.fn()`; vitest's `vi` has the same API.
import { vi } from 'vitest';

(globalThis as unknown as { jest: typeof vi }).jest = vi;
