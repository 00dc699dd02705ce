/**
 * Resolved types: what the checker gives each expression, field and definition.
 */
import type * as A from './ast.js';

/** An enum after checking: its members in declared order. */
export interface EnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly ordered: boolean;
  readonly decl: A.EnumDecl;
  /** Member names in order (lowest first for ordered enums). */
  readonly members: readonly string[];
  /** Data value (the member's string, else its name) → member index. */
  readonly byDataValue: ReadonlyMap<string, number>;
}

/** A record field after checking. */
export interface FieldType {
  readonly name: string;
  readonly type: Type;
  readonly optional: boolean;
  readonly decl: A.FieldDecl;
}

/** A record type after checking. */
export interface RecordType {
  readonly kind: 'record';
  readonly name: string;
  readonly decl: A.RecordTypeDecl;
  readonly fields: ReadonlyMap<string, FieldType>;
}

/** Every type an expression can have. `error` marks an already-reported problem. */
export type Type =
  | { readonly kind: 'bool' }
  | { readonly kind: 'number' }
  | { readonly kind: 'string' }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'period' }
  | EnumType
  | RecordType
  | { readonly kind: 'list'; readonly element: Type }
  | { readonly kind: 'monthly'; readonly element: Type }
  | { readonly kind: 'table'; readonly key: Type; readonly value: Type }
  /** The element type of an empty list literal: compatible with anything. */
  | { readonly kind: 'any' }
  | { readonly kind: 'error' };

/** Shared instances of the types without parameters. */
export const Types = {
  bool: { kind: 'bool' },
  number: { kind: 'number' },
  string: { kind: 'string' },
  date: { kind: 'date' },
  datetime: { kind: 'datetime' },
  duration: { kind: 'duration' },
  period: { kind: 'period' },
  any: { kind: 'any' },
  error: { kind: 'error' },
} as const satisfies Record<string, Type>;

/** How a type is written in messages: `list of Report`, `monthly number`. */
export function typeToString(t: Type): string {
  switch (t.kind) {
    case 'enum':
    case 'record':
      return t.name;
    case 'list':
      return `list of ${typeToString(t.element)}`;
    case 'monthly':
      return `monthly ${typeToString(t.element)}`;
    case 'table':
      return `table ${typeToString(t.key)} -> ${typeToString(t.value)}`;
    case 'any':
      return 'anything';
    case 'error':
      return '(error)';
    default:
      return t.kind;
  }
}

/** Whether a value of type `actual` may stand where `expected` is required. */
export function isAssignable(actual: Type, expected: Type): boolean {
  if (actual.kind === 'error' || expected.kind === 'error' || actual.kind === 'any' || expected.kind === 'any') return true;
  if (actual.kind !== expected.kind) return false;
  switch (actual.kind) {
    case 'enum':
    case 'record':
      return actual === expected;
    case 'list':
    case 'monthly':
      return isAssignable(actual.element, (expected as typeof actual).element);
    case 'table': {
      const e = expected as typeof actual;
      return isAssignable(actual.key, e.key) && isAssignable(actual.value, e.value);
    }
    default:
      return true;
  }
}
