/**
 * The runtime's value layer: exact decimal numbers (`decimal.ts`) and dates,
 * datetimes, time zones, durations and windows (`calendar.ts`).
 */
export * from './decimal.js';
export * from './calendar.js';
