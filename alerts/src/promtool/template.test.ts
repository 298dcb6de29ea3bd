import { describe, expect, it } from 'vitest';
import { GenerationError } from '../errors.js';
import { goG4, renderTemplate } from './template.js';

describe('rendering annotation templates like Prometheus', () => {
  it('prints numbers the way Go prints %.4g', () => {
    expect(goG4(95.00000000000001)).toBe('95');
    expect(goG4(12.5)).toBe('12.5');
    expect(goG4(0.1234567)).toBe('0.1235');
    expect(goG4(123456)).toBe('1.235e+05');
    expect(goG4(0.00001)).toBe('1e-05');
  });

  it('renders labels, humanizePercentage and printf of the value', () => {
    const out = renderTemplate('{{ $labels.reason }}: {{ $value | humanizePercentage }} ({{ printf "%.2f" $value }})', { reason: 'deadline' }, 0.1);
    expect(out).toBe('deadline: 10% (0.10)');
  });

  it('refuses a template form it cannot render, instead of guessing', () => {
    expect(() => renderTemplate('{{ $value | humanize }}', {}, 1)).toThrow(GenerationError);
  });
});
