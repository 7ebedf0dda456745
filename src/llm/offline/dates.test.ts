import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, addMonths, formatLongDate, parseIsoDate, toIso } from './dates.ts';

describe('dates', () => {
  it('parses real dates only', () => {
    assert.deepEqual(parseIsoDate('2026-11-25'), { year: 2026, month: 11, day: 25 });
    assert.equal(parseIsoDate('2026-02-30'), undefined);
    assert.equal(parseIsoDate('25/11/2026'), undefined);
    assert.deepEqual(parseIsoDate('2024-02-29'), { year: 2024, month: 2, day: 29 });
  });

  it('adds months with the day clamped, across years', () => {
    assert.equal(toIso(addMonths({ year: 2026, month: 3, day: 31 }, -1)), '2026-02-28');
    assert.equal(toIso(addMonths({ year: 2026, month: 11, day: 25 }, -12)), '2025-11-25');
    assert.equal(toIso(addMonths({ year: 2026, month: 1, day: 15 }, -2)), '2025-11-15');
    assert.equal(toIso(addMonths({ year: 2025, month: 12, day: 1 }, 1)), '2026-01-01');
  });

  it('adds days across month ends and formats for people', () => {
    assert.equal(toIso(addDays({ year: 2026, month: 3, day: 1 }, -1)), '2026-02-28');
    assert.equal(formatLongDate({ year: 2026, month: 1, day: 9 }), 'January 9, 2026');
  });
});
