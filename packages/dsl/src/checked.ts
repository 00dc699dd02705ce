/**
 * The checked program: what the checker gives the runtime, the differ and
 * the tools — a policy's header facts, its declarations, the type of every
 * expression and what every name refers to.
 */
import type * as A from './ast.js';
import type { EnumType, RecordType, Type } from './types.js';

/** What a name in an expression refers to. */
export type ResolvedName =
  | { readonly kind: 'subject'; readonly name: string; readonly type: Type }
  | { readonly kind: 'let'; readonly decl: A.LetDecl; readonly type: Type }
  | { readonly kind: 'param'; readonly decl: A.ParamDecl; readonly type: Type }
  | { readonly kind: 'placeholder'; readonly decl: A.PlaceholderDecl; readonly type: Type }
  | { readonly kind: 'table'; readonly decl: A.TableDecl; readonly type: Type }
  | { readonly kind: 'criterion'; readonly decl: A.CriterionDecl }
  | { readonly kind: 'enumMember'; readonly enum: EnumType; readonly index: number }
  | { readonly kind: 'enumType'; readonly enum: EnumType }
  | { readonly kind: 'variable'; readonly name: string; readonly type: Type; readonly binder: A.Identifier };

/** The effective period of a policy version: `from ≤ day < until`, as `YYYY-MM-DD`. */
export interface EffectivePeriod {
  readonly from: string;
  readonly until: string | undefined;
}

/** A policy that passed the checker: its header facts, declarations and the checker's findings. */
export interface CheckedPolicy {
  readonly id: string;
  readonly title: string | undefined;
  readonly version: string;
  readonly published: string;
  readonly effective: EffectivePeriod;
  readonly source: string | undefined;
  readonly note: string | undefined;
  readonly timezone: string;
  readonly file: string;
  /** The policy file's source text (for hashing and explanations). */
  readonly text: string;
  readonly ast: A.SourceFile;
  readonly subject: { readonly name: string; readonly type: RecordType };
  readonly lets: readonly A.LetDecl[];
  readonly params: readonly A.ParamDecl[];
  readonly placeholders: readonly A.PlaceholderDecl[];
  readonly tables: readonly A.TableDecl[];
  readonly criteria: readonly A.CriterionDecl[];
  readonly decide: A.DecideBlock;
  /** The type of every checked expression. */
  readonly types: ReadonlyMap<A.Expression, Type>;
  /** What each name (and each `Enum.member` access) refers to. */
  readonly names: ReadonlyMap<A.Expression, ResolvedName>;
  /** Declared types of params, placeholders and tables, by name. */
  readonly declaredTypes: ReadonlyMap<string, Type>;
  /** Ids of the policies this one refers to with `satisfies`. */
  readonly references: readonly string[];
  /** Source text of every file involved (the policy and its imports), by path. */
  readonly sources: ReadonlyMap<string, string>;
  /** The file each declaration comes from (imported declarations come from libraries). */
  readonly declarationFiles: ReadonlyMap<A.Declaration, string>;
}

