/**
 * Checking data against declared types: each raw JSON value becomes a runtime
 * value (numbers, epoch days, epoch milliseconds, enum member indices) or a
 * {@link ConversionFailure} that names what was wrong.
 */
import type { Type } from '@bylaw/dsl';
import * as C from '@bylaw/dsl/calendar';
import { parseDecimal } from '@bylaw/dsl/decimal';
import type { RuntimeLimits } from './limits.js';

/** Marks a value that failed conversion (never escapes the runtime). */
export class ConversionFailure {
  constructor(readonly message: string) {}
}

/** Converts one raw value of a known type. */
export type Converter = (raw: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/** Names that an object inherits from `Object.prototype`: reading them needs an own-property check. */
const inherited = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Read an own property of a data object. Inherited members (`constructor`,
 * `__proto__`, `toString`) never count as data.
 */
export function readOwn(obj: object, name: string): unknown {
  if (inherited.has(name)) return hasOwn.call(obj, name) ? (obj as Record<string, unknown>)[name] : undefined;
  return (obj as Record<string, unknown>)[name];
}

/**
 * Whether a value is a record as JSON makes them: an object whose prototype is `Object.prototype`.
 * Reading `constructor` first lets the engine fold the prototype check for a known shape (it is
 * cheap then); an own `constructor` field or a null prototype just answers no.
 */
export function isPlainRecord(v: unknown): v is object {
  return typeof v === 'object' && v !== null && (v as { constructor?: unknown }).constructor === Object && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * A data object as a plain record. JSON data has `Object.prototype` (or none);
 * an object whose prototype was replaced (e.g. `Object.assign({}, {"__proto__": …})`)
 * is copied to its own properties, so that nothing inherited is read as data.
 */
export function plainRecord(obj: object): object {
  if (isPlainRecord(obj)) return obj;
  const proto = Object.getPrototypeOf(obj);
  if (proto === Object.prototype || proto === null) return obj;
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(obj)) copy[key] = (obj as Record<string, unknown>)[key];
  return copy;
}

/**
 * The `id` of a data record as text, for naming it in reports (batch decision
 * records, flips): a string as it is, a number or boolean as JSON writes it, any
 * other value as its JSON text (`{"toString": 1}` → `{"toString":1}`); undefined
 * when the record has no own `id` or it is null. Never throws, whatever the value
 * (`String(value)` throws for an object whose `toString` is not a function).
 */
export function subjectId(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || !hasOwn.call(record, 'id')) return undefined;
  const id = (record as { id: unknown }).id;
  if (typeof id === 'string') return id;
  if (id === null || id === undefined) return undefined;
  if (typeof id === 'number' || typeof id === 'boolean' || typeof id === 'bigint') return String(id);
  try {
    return JSON.stringify(id) ?? Object.prototype.toString.call(id);
  } catch {
    return Object.prototype.toString.call(id);
  }
}

/** A short description of a raw value for messages: `"4星" (a string)`. */
export function describeRaw(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return `a list of ${raw.length}`;
  switch (typeof raw) {
    case 'string':
      return `${JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw)} (a string)`;
    case 'number':
      return Number.isFinite(raw) ? `${raw} (a number)` : `${raw} (not a finite number)`;
    case 'boolean':
      return `${raw} (a boolean)`;
    case 'object':
      return 'an object';
    default:
      return typeof raw;
  }
}

/** A converter for values of `type` from data (JSON). */
export function convertValue(type: Type, zone: string, limits: RuntimeLimits): Converter {
  switch (type.kind) {
    case 'bool':
      return (raw) => (typeof raw === 'boolean' ? raw : new ConversionFailure(`expected true or false, got ${describeRaw(raw)}`));
    case 'number':
      return (raw) => {
        if (typeof raw === 'number') {
          return Number.isFinite(raw) ? raw : new ConversionFailure(`expected a number, got ${describeRaw(raw)}`);
        }
        if (typeof raw === 'string' && raw.length < 400) {
          const n = parseDecimal(raw);
          if (n !== undefined) return n;
        }
        return new ConversionFailure(`expected a number, got ${describeRaw(raw)}`);
      };
    case 'string':
      return (raw) => {
        if (typeof raw !== 'string') return new ConversionFailure(`expected a string, got ${describeRaw(raw)}`);
        if (raw.length > limits.maxStringLength) {
          return new ConversionFailure(`the string has ${raw.length} characters; the limit is ${limits.maxStringLength}`);
        }
        return raw;
      };
    case 'date':
      return (raw) => {
        const day = typeof raw === 'string' && raw.length === 10 ? C.parseDate(raw) : undefined;
        return day ?? new ConversionFailure(`expected a date YYYY-MM-DD, got ${describeRaw(raw)}`);
      };
    case 'datetime':
      return (raw) => {
        const ms = typeof raw === 'string' && raw.length < 40 ? C.parseDateTime(raw, zone) : undefined;
        return ms ?? new ConversionFailure(`expected a datetime such as 2023-07-17T10:00:00+08:00, got ${describeRaw(raw)}`);
      };
    case 'enum': {
      const values = [...type.byDataValue.keys()];
      return (raw) => {
        const index = typeof raw === 'string' ? type.byDataValue.get(raw) : undefined;
        if (index !== undefined) return index;
        const shown = values.length > 8 ? `${values.slice(0, 8).join(', ')}, …` : values.join(', ');
        return new ConversionFailure(`${describeRaw(raw)} is not a ${type.name} (${shown})`);
      };
    }
    case 'record':
    case 'monthly':
      return (raw) =>
        typeof raw === 'object' && raw !== null && !Array.isArray(raw)
          ? plainRecord(raw)
          : new ConversionFailure(`expected ${type.kind === 'record' ? `a ${type.name} record` : 'a monthly series {"YYYY-MM": …}'} (JSON object), got ${describeRaw(raw)}`);
    case 'list':
      return (raw) => (Array.isArray(raw) ? raw : new ConversionFailure(`expected a list, got ${describeRaw(raw)}`));
    default:
      return (raw) => new ConversionFailure(`a ${type.kind} cannot come from data (got ${describeRaw(raw)})`);
  }
}
