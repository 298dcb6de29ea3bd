import { describe, expect, it } from 'vitest';
import { matches, parseRateQuery, parseSelector, PromqlSyntaxError, renderRate, selects } from './selector.js';

describe('parsing indicator queries', () => {
  it('reads the selector of sum(rate(selector[{{.window}}])) with every matcher kind', () => {
    const sel = parseRateQuery(`sum(rate(x_count{a="1", b!='2', c=~"3|4", d!~\`5.*\`,}[{{ .window }}]))`);
    expect(sel).toEqual({
      metric: 'x_count',
      matchers: [
        { label: 'a', op: '=', value: '1' },
        { label: 'b', op: '!=', value: '2' },
        { label: 'c', op: '=~', value: '3|4' },
        { label: 'd', op: '!~', value: '5.*' },
      ],
    });
  });

  it('renders the selector back as valid PromQL for any window, escaping quotes', () => {
    const sel = parseSelector('x{path="/a\\"b"}');
    expect(sel.matchers[0].value).toBe('/a"b');
    expect(renderRate(sel, '5m')).toBe('sum(rate(x{path="/a\\"b"}[5m]))');
  });

  it('refuses an aggregation by labels, since the SLI must be a single series', () => {
    expect(() => parseRateQuery('sum by (job) (rate(x[{{.window}}]))')).toThrow(PromqlSyntaxError);
  });

  it('refuses a fixed range instead of the window placeholder', () => {
    expect(() => parseRateQuery('sum(rate(x[5m]))')).toThrow(/expected the range "\[\{\{\.window\}\}\]"/);
  });

  it('refuses trailing arithmetic after the query', () => {
    expect(() => parseRateQuery('sum(rate(x[{{.window}}])) * 2')).toThrow(/unexpected text/);
  });
});

describe('matching series like Prometheus', () => {
  it('anchors regular expressions at both ends', () => {
    expect(matches({ label: 'code', op: '=~', value: '5..' }, { code: '500' })).toBe(true);
    expect(matches({ label: 'code', op: '=~', value: '5..' }, { code: '5000' })).toBe(false);
  });

  it('treats an absent label as the empty value', () => {
    expect(matches({ label: 'synthetic', op: '!=', value: 'true' }, {})).toBe(true);
    expect(matches({ label: 'synthetic', op: '=', value: '' }, {})).toBe(true);
  });

  it('selects by metric name and every matcher', () => {
    const sel = parseSelector('x{a="1",b!="2"}');
    expect(selects(sel, 'x', { a: '1', b: '3' })).toBe(true);
    expect(selects(sel, 'x', { a: '1', b: '2' })).toBe(false);
    expect(selects(sel, 'y', { a: '1', b: '3' })).toBe(false);
  });
});
