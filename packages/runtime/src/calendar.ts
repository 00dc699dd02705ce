/**
 * Dates, datetimes, time zones, durations and windows, as the runtime computes
 * them: `@bylaw/runtime/calendar` (the language's value code, kept in
 * `@bylaw/dsl` with the constructs that use it).
 *
 * @module
 */
export * from '@bylaw/dsl/calendar';
