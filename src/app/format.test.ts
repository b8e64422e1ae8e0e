import { describe, expect, it } from 'vitest';
import { formatNumber, formatSeconds } from './format';

describe('format', () => {
  it('groups thousands in the UI language, whatever the system locale', () => {
    expect(formatNumber(23375, 0, 'en')).toBe('23,375');
    expect(formatNumber(23375, 0, 'de')).toBe('23.375');
  });
  it('writes French numbers for the French UI', () => {
    expect(formatNumber(1.25, 1, 'fr')).toBe('1,3');
    expect(formatSeconds(1234, 'fr')).toBe('1,2 s');
    expect(formatNumber(23375, 0, 'fr')).toBe('23\u202f375');
  });
  it('defaults to English outside a page', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
  });
  it('keeps the asked-for decimals', () => {
    expect(formatNumber(0.0456, 2, 'en')).toBe('0.05');
    expect(formatSeconds(1234, 'en')).toBe('1.2 s');
    expect(formatSeconds(1000, 'en')).toBe('1.0 s');
  });
});
