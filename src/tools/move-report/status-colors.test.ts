import { describe, expect, it } from 'vitest';
import { STATUS_ORDER } from './report.ts';
import { CHART_SURFACE, STATUS_COLORS } from './status-colors.ts';

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map(linear);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** CIE L*a*b* (D65), for the CIE76 colour difference. */
function lab(hex: string): number[] {
  const [r, g, b] = channels(hex).map(linear);
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((r! * 0.4124 + g! * 0.3576 + b! * 0.1805) / 0.95047);
  const y = f(r! * 0.2126 + g! * 0.7152 + b! * 0.0722);
  const z = f((r! * 0.0193 + g! * 0.1192 + b! * 0.9505) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

const difference = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

describe('status colours', () => {
  it('has one for every status the report orders', () => {
    for (const s of STATUS_ORDER) expect(STATUS_COLORS[s], s).toBeDefined();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`tells every pair of statuses apart in the ${theme} theme (ΔE ≥ 20)`, () => {
      const entries = Object.entries(STATUS_COLORS);
      for (const [i, [a, ca]] of entries.entries()) {
        for (const [b, cb] of entries.slice(i + 1)) {
          expect(difference(ca[theme], cb[theme]), `${a} vs ${b}`).toBeGreaterThanOrEqual(20);
        }
      }
    });

    it(`stands every status out from the ${theme} card at 3:1 or more`, () => {
      for (const [s, c] of Object.entries(STATUS_COLORS)) {
        expect(contrast(c[theme], CHART_SURFACE[theme]), s).toBeGreaterThanOrEqual(3);
      }
    });
  }
});
