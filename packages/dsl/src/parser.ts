/**
 * The parser: tokens → AST, with Chevrotain error recovery so that every
 * syntax error of a file is reported, not just the first.
 *
 * One parser instance is built once and reused (`parser.input = tokens`).
 * Rules build AST nodes directly (embedded actions); spans are converted
 * from Chevrotain's inclusive `endOffset` to exclusive ends in {@link spanOf}.
 */
import {
  EmbeddedActionsParser,
  EOF,
  tokenMatcher,
  type IToken,
  type IRecognitionException,
  type TokenType,
  type IParserErrorMessageProvider,
  type IOrAlt,
} from './chevrotain.js';
import * as T from './lexer.js';
import { tokenize, type TokenizeResult } from './lexer.js';
import type * as A from './ast.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { defaultLimits, type Limits } from './limits.js';

type Mutable<X> = { -readonly [K in keyof X]: X[K] };

/** Each aggregation with its keyword (lexer.ts), and the way back from a token to its aggregation. */
const AGGREGATION_TOKENS = Object.entries(T.aggregationKeywords) as [A.AggregateFunction, TokenType][];
const aggregationOfToken = new Map<TokenType, A.AggregateFunction>(AGGREGATION_TOKENS.map(([fn, t]) => [t, fn]));

/** The operator each one-token operator of a comparison stands for (`==` is `=`, with a diagnostic). */
const comparisonOperators = new Map<TokenType, A.BinaryOperator>([
  [T.Equal, '='],
  [T.DoubleEqual, '='],
  [T.NotEqual, '!='],
  [T.LessEqual, '<='],
  [T.GreaterEqual, '>='],
  [T.Less, '<'],
  [T.Greater, '>'],
  [T.In, 'in'],
  [T.Contains, 'contains'],
]);

/** Thrown (and caught in {@link parse}) when nesting exceeds the limit, before the stack does. */
class NestingTooDeep extends Error {
  constructor(readonly token: IToken) {
    super('nesting too deep');
  }
}

/** Thrown when a file has more lexical and syntax errors than `maxSyntaxErrors`: the parser stops there. */
class TooManyErrors extends Error {
  constructor(readonly offset: number) {
    super('too many syntax errors');
  }
}

/**
 * The span from a token or node to another (inclusive `endOffset` made exclusive here). After a
 * syntax error, error recovery may give no node for a part: the span then ends at what there is,
 * and a span of nothing is NaN, which {@link repairSpansAndMeasureDepth} places afterwards.
 */
function spanOf(first: IToken | A.Span | undefined, last: IToken | A.Span | undefined = first): A.Span {
  const from = first ?? last;
  const to = last ?? first;
  if (!from || !to) return { start: NaN, end: NaN };
  const start = 'startOffset' in from ? from.startOffset : from.start;
  const end = 'startOffset' in to ? (to.endOffset ?? to.startOffset) + 1 : to.end;
  return { start, end };
}

const units: Record<string, A.TimeUnit> = {
  hour: 'hour',
  hours: 'hour',
  day: 'day',
  days: 'day',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
};

const primitiveTypes: Record<string, A.PrimitiveTypeName> = {
  bool: 'bool',
  number: 'number',
  string: 'string',
  date: 'date',
  datetime: 'datetime',
  duration: 'duration',
};

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    if (expected === EOF) return topLevelMessage(actual);
    return `expected ${tokenLabel(expected)} but found ${describe(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return topLevelMessage(firstRedundant);
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(tokenLabel(path[0]));
    const list = [...firsts];
    const shown = list.length > 8 ? `${list.slice(0, 8).join(', ')}, …` : list.join(', ');
    return `unexpected ${describe(actual[0])} in ${ruleDescriptions[ruleName] ?? ruleName}; expected one of: ${shown}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = new Set(expectedIterationPaths.map((p) => (p[0] ? tokenLabel(p[0]) : '?')));
    return `unexpected ${describe(actual[0])} in ${ruleDescriptions[ruleName] ?? ruleName}; expected ${[...firsts].join(', ')}`;
  },
};

function topLevelMessage(actual: IToken): string {
  return `unexpected ${describe(actual)}: expected a declaration (type, enum, let, param, placeholder, table, criterion, decide)`;
}

function tokenLabel(t: TokenType): string {
  return t.LABEL ?? t.name;
}

function describe(token: IToken | undefined): string {
  if (!token || token.tokenType === EOF) return 'end of file';
  return `'${token.image.length > 30 ? token.image.slice(0, 30) + '…' : token.image}'`;
}

/** Human names of grammar rules, for messages. */
const ruleDescriptions: Record<string, string> = {
  file: 'the file',
  declaration: 'a declaration',
  headerItem: 'the policy header',
  typeRef: 'a type',
  primary: 'an expression',
  unary: 'an expression',
  postfix: 'an expression',
  numberOrDuration: 'a number',
  expression: 'an expression',
  body: 'a condition',
  decisionRule: 'a decide block',
  combinator: 'a combinator',
  tableEntry: 'a table',
};

/** Hints by the rule in which a syntax error happened. */
const ruleHints: Record<string, string> = {
  header: 'a header reads: policy some.id "标题" version "1" published 2023-07-28 effective 2023-08-04 source "…"',
  headerItem: 'header items are version "…", published DATE, effective DATE [until DATE], source "…", timezone "…", note "…"',
  subject: 'write: subject merchant: Merchant',
  recordType: 'write: type Merchant { level: Level  name?: string  banned: bool = false }',
  field: 'a field reads: name: type, name?: type (optional), or name: type = default, then an optional "label"',
  enumDecl: 'write: enum Level { L1 < L2 < L3 } (ordered) or enum Kind { a, b, c }',
  letDecl: 'write: let name "标签" = expression',
  paramDecl: 'write: param name "标签": number = 900万',
  placeholderDecl: 'write: placeholder name "标签": number',
  tableDecl: 'write: table name "标签": Key -> number { key: 1  default: 2 }',
  tableEntry: 'a table row reads key: value, with an enum member or "string" as key, or default: value',
  criterion: 'write: criterion id "标签" cites "条款": condition',
  combinator: 'write: all of { … }, any of { … } or at least 2 of { … }',
  item: 'an item reads id "标签" cites "条款": condition, or just a condition',
  decide: 'a decide block holds admit when, exclude, tier, default tier, outcome, otherwise outcome, prefer, benefit',
  decisionRule: 'a decide block holds admit when, exclude, tier, default tier, outcome, otherwise outcome, prefer, benefit',
  heading: 'write an id, then an optional "label" and cites "clause"',
  aggregate: 'write: count(m in list where condition), sum(m in list: m.value), any(x in list: condition)',
  primary: 'an expression is a number, "string", date, name, (expression), [list], count(…)/sum(…)/…, today, now or last N months',
  typeRef: 'types: bool, number, string, date, datetime, duration, list of T, monthly T, table K -> V, or a declared type',
};

class PolicyParser extends EmbeddedActionsParser {
  /** Diagnostics found while parsing that are not Chevrotain recognition errors. */
  extra: Diagnostic[] = [];
  fileName = '';
  private depth = 0;
  maxDepth = defaultLimits.maxNestingDepth;
  /** The error budget of the file being parsed: its limit, and the offsets of its lexical errors (ascending). */
  errorBudget: { readonly max: number; readonly lexical: readonly number[] } = { max: Infinity, lexical: [] };

  constructor() {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 2,
      errorMessageProvider: messages,
      // Read without assuming Node: the core runs in browsers too.
      skipValidations: (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['BYLAW_PARSER_VALIDATE'] !== '1',
    });
    this.performSelfAnalysis();
  }

  private enter(): void {
    this.ACTION(() => {
      if (++this.depth > this.maxDepth) throw new NestingTooDeep(this.LA(1));
    });
  }

  private leave(): void {
    this.ACTION(() => {
      this.depth--;
    });
  }

  /**
   * Parse a nested part, counting one level of nesting. The level is given back
   * even when a syntax error unwinds the part (Chevrotain recovers from it further
   * up), so that many syntax errors never add up to "nesting too deep".
   */
  private nested<R>(part: () => R): R {
    this.enter();
    try {
      return part();
    } finally {
      this.leave();
    }
  }

  resetDepth(): void {
    this.depth = 0;
  }

  /**
   * Chevrotain records every recognition error here (an internal method, not in its typings).
   * Stopping at the error past the budget, counting the lexical errors before it too, bounds
   * the error recovery, which is most of the cost of a malformed file.
   */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    const saved = (EmbeddedActionsParser.prototype as unknown as { SAVE_ERROR(e: IRecognitionException): IRecognitionException }).SAVE_ERROR.call(this, error);
    const offset = error.token.startOffset;
    if (this.errors.length + countBelow(this.errorBudget.lexical, offset) > this.errorBudget.max) throw new TooManyErrors(offset);
    return saved;
  }

  // ------------------------------------------------------------------ files

  /**
   * What the file rule has parsed so far. When a syntax error at the end of the file leaves
   * error recovery nothing to resume at, the rule itself gives up: what was parsed before the
   * error is still the file's AST (for editors, which see half-typed text all the time).
   */
  partial: { header: A.PolicyHeader | undefined; imports: A.ImportDecl[]; declarations: A.Declaration[] } = { header: undefined, imports: [], declarations: [] };

  public file = this.RULE('file', (): A.SourceFile => {
    const header = this.OPTION(() => this.SUBRULE(this.header));
    this.ACTION(() => {
      this.partial = { header, imports: [], declarations: [] };
    });
    this.MANY(() => {
      const imp = this.SUBRULE(this.importDecl);
      this.ACTION(() => imp && this.partial.imports.push(imp));
    });
    this.MANY2(() => {
      const d = this.SUBRULE(this.declaration);
      this.ACTION(() => d && this.partial.declarations.push(d));
    });
    return this.ACTION(() => this.parsedSoFar());
  });

  /** The file as far as it was parsed. */
  parsedSoFar(): A.SourceFile {
    return { kind: 'SourceFile' as const, span: { start: 0, end: 0 }, ...this.partial, comments: [] };
  }

  private header = this.RULE('header', (): A.PolicyHeader => {
    const kw = this.CONSUME(T.Policy);
    const id = this.SUBRULE(this.qualifiedName);
    const title = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    const items: A.HeaderItem[] = [];
    this.MANY(() => {
      const item = this.SUBRULE(this.headerItem);
      if (item) items.push(item);
    });
    return this.ACTION(() => ({
      kind: 'PolicyHeader' as const,
      span: spanOf(kw, items.at(-1)?.span ?? title?.span ?? id?.span),
      id,
      title,
      items,
    }));
  });

  private headerItem = this.RULE('headerItem', (): A.HeaderItem => {
    return this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.Version);
          const value = this.stringLiteral(this.CONSUME(T.StringLiteral));
          return this.ACTION(() => ({ kind: 'VersionItem' as const, span: spanOf(kw, value?.span), value }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Published);
          const value = this.dateLiteral(this.CONSUME(T.DateLiteral));
          return this.ACTION(() => ({ kind: 'PublishedItem' as const, span: spanOf(kw, value?.span), value }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Effective);
          const from = this.dateLiteral(this.CONSUME2(T.DateLiteral));
          const until = this.OPTION(() => {
            this.CONSUME(T.Until);
            return this.dateLiteral(this.CONSUME3(T.DateLiteral));
          });
          return this.ACTION(() => ({
            kind: 'EffectiveItem' as const,
            span: spanOf(kw, (until ?? from)?.span),
            from,
            until,
          }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Source);
          const value = this.stringLiteral(this.CONSUME2(T.StringLiteral));
          return this.ACTION(() => ({ kind: 'SourceItem' as const, span: spanOf(kw, value?.span), value }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Timezone);
          const value = this.stringLiteral(this.CONSUME3(T.StringLiteral));
          return this.ACTION(() => ({ kind: 'TimezoneItem' as const, span: spanOf(kw, value?.span), value }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Note);
          const value = this.stringLiteral(this.CONSUME4(T.StringLiteral));
          return this.ACTION(() => ({ kind: 'NoteItem' as const, span: spanOf(kw, value?.span), value }));
        },
      },
    ]);
  });

  private importDecl = this.RULE('importDecl', (): A.ImportDecl => {
    const kw = this.CONSUME(T.Import);
    const path = this.stringLiteral(this.CONSUME(T.StringLiteral));
    return this.ACTION(() => ({ kind: 'ImportDecl' as const, span: spanOf(kw, path?.span), path }));
  });

  private declaration = this.RULE(
    'declaration',
    (): A.Declaration =>
      this.OR([
        { ALT: () => this.SUBRULE(this.subject) },
        { ALT: () => this.SUBRULE(this.recordType) },
        { ALT: () => this.SUBRULE(this.enumDecl) },
        { ALT: () => this.SUBRULE(this.letDecl) },
        { ALT: () => this.SUBRULE(this.paramDecl) },
        { ALT: () => this.SUBRULE(this.placeholderDecl) },
        { ALT: () => this.SUBRULE(this.tableDecl) },
        { ALT: () => this.SUBRULE(this.criterion) },
        { ALT: () => this.SUBRULE(this.decide) },
      ]),
    { resyncEnabled: true },
  );

  private subject = this.RULE('subject', (): A.SubjectDecl => {
    const kw = this.CONSUME(T.Subject);
    const name = this.identifier(this.CONSUME(T.Identifier));
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeRef);
    return this.ACTION(() => ({ kind: 'SubjectDecl' as const, span: spanOf(kw, type?.span), name, type }));
  });

  // ------------------------------------------------------------------ types

  private recordType = this.RULE('recordType', (): A.RecordTypeDecl => {
    const kw = this.CONSUME(T.Type);
    const name = this.identifier(this.CONSUME(T.Identifier));
    const label = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    this.CONSUME(T.LBrace);
    const fields: A.FieldDecl[] = [];
    this.MANY(() => {
      const f = this.SUBRULE(this.field);
      if (f) fields.push(f);
      this.OPTION2(() => this.CONSUME(T.Comma));
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'RecordTypeDecl' as const, span: spanOf(kw, close), name, label, fields }));
  });

  private field = this.RULE('field', (): A.FieldDecl => {
    const name = this.SUBRULE(this.nameLike);
    const optional = this.OPTION(() => this.CONSUME(T.Question)) !== undefined;
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeRef);
    const defaultValue = this.OPTION2(() => {
      this.CONSUME(T.Equal);
      return this.SUBRULE(this.expression);
    });
    const label = this.OPTION3(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    return this.ACTION(() => ({
      kind: 'FieldDecl' as const,
      span: spanOf(name?.span, (label ?? defaultValue ?? type)?.span),
      name,
      optional,
      type,
      defaultValue,
      label,
    }));
  });

  private enumDecl = this.RULE('enumDecl', (): A.EnumDecl => {
    const kw = this.CONSUME(T.Enum);
    const name = this.identifier(this.CONSUME(T.Identifier));
    const label = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    this.CONSUME(T.LBrace);
    const members: A.EnumMember[] = [];
    const separators: IToken[] = [];
    let gaps = 0;
    this.MANY(() => {
      this.OPTION2(() => {
        const sep = this.OR([{ ALT: () => this.CONSUME(T.Less) }, { ALT: () => this.CONSUME(T.Comma) }]);
        this.ACTION(() => separators.push(sep));
      });
      const m = this.SUBRULE(this.enumMember);
      this.ACTION(() => {
        if (members.length > 0 && separators.length < members.length) gaps++;
        members.push(m);
      });
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => {
      const less = separators.filter((s) => tokenMatcher(s, T.Less));
      const ordered = less.length > 0;
      if (ordered && (less.length !== separators.length || gaps > 0 || separators.length !== members.length - 1)) {
        this.extra.push(
          diagnostic('BYL1004', this.fileName, spanOf(kw, close), `enum ${name.name} mixes '<' with other separators`, {
            hint: "an ordered enum joins every member with '<', lowest first: enum Level { L1 < L2 < L3 }",
          }),
        );
      }
      return { kind: 'EnumDecl' as const, span: spanOf(kw, close), name, label, ordered, members };
    });
  });

  private enumMember = this.RULE('enumMember', (): A.EnumMember => {
    const name = this.identifier(this.CONSUME(T.Identifier));
    const value = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    return this.ACTION(() => ({ kind: 'EnumMember' as const, span: spanOf(name?.span, (value ?? name)?.span), name, value }));
  });

  private typeRef = this.RULE('typeRef', (): A.TypeRef => {
    return this.nested(() => this.OR([
      {
        ALT: () => {
          const t = this.OR2([
            { ALT: () => this.CONSUME(T.BoolType) },
            { ALT: () => this.CONSUME(T.NumberType) },
            { ALT: () => this.CONSUME(T.StringType) },
            { ALT: () => this.CONSUME(T.DateType) },
            { ALT: () => this.CONSUME(T.DateTimeType) },
            { ALT: () => this.CONSUME(T.DurationType) },
          ]);
          return this.ACTION(() => ({ kind: 'PrimitiveType' as const, span: spanOf(t), name: primitiveTypes[t.image]! }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.List);
          this.CONSUME(T.Of);
          const element = this.SUBRULE(this.typeRef);
          return this.ACTION(() => ({ kind: 'ListType' as const, span: spanOf(kw, element?.span), element }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Monthly);
          const element = this.SUBRULE2(this.typeRef);
          return this.ACTION(() => ({ kind: 'MonthlyType' as const, span: spanOf(kw, element?.span), element }));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(T.Table);
          const key = this.SUBRULE3(this.typeRef);
          this.CONSUME(T.Arrow);
          const value = this.SUBRULE4(this.typeRef);
          return this.ACTION(() => ({ kind: 'TableType' as const, span: spanOf(kw, value?.span), key, value }));
        },
      },
      {
        ALT: () => {
          const name = this.identifier(this.CONSUME(T.Identifier));
          return this.ACTION(() => ({ kind: 'NamedType' as const, span: name?.span, name }));
        },
      },
    ]));
  });

  // ------------------------------------------------------------ definitions

  private letDecl = this.RULE('letDecl', (): A.LetDecl => {
    const kw = this.CONSUME(T.Let);
    const name = this.identifier(this.CONSUME(T.Identifier));
    const label = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    this.CONSUME(T.Equal);
    const value = this.SUBRULE(this.expression);
    return this.ACTION(() => ({ kind: 'LetDecl' as const, span: spanOf(kw, value?.span), name, label, value }));
  });

  private paramDecl = this.RULE('paramDecl', (): A.ParamDecl => {
    const kw = this.CONSUME(T.Param);
    const name = this.identifier(this.CONSUME(T.Identifier));
    const label = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeRef);
    this.CONSUME(T.Equal);
    const value = this.SUBRULE(this.expression);
    return this.ACTION(() => ({ kind: 'ParamDecl' as const, span: spanOf(kw, value?.span), name, label, type, value }));
  });

  private placeholderDecl = this.RULE('placeholderDecl', (): A.PlaceholderDecl => {
    const kw = this.CONSUME(T.Placeholder);
    const name = this.identifier(this.CONSUME(T.Identifier));
    const label = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeRef);
    return this.ACTION(() => ({ kind: 'PlaceholderDecl' as const, span: spanOf(kw, type?.span), name, label, type }));
  });

  private tableDecl = this.RULE('tableDecl', (): A.TableDecl => {
    const kw = this.CONSUME(T.Table);
    const name = this.identifier(this.CONSUME(T.Identifier));
    const label = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    this.CONSUME(T.Colon);
    const keyType = this.SUBRULE(this.typeRef);
    this.CONSUME(T.Arrow);
    const valueType = this.SUBRULE2(this.typeRef);
    this.CONSUME(T.LBrace);
    const entries: A.TableEntry[] = [];
    let defaultValue: A.Expression | undefined;
    this.MANY(() => {
      const e = this.SUBRULE(this.tableEntry);
      this.ACTION(() => {
        if (!e) return;
        if ('kind' in e) entries.push(e);
        else if (defaultValue) {
          this.extra.push(diagnostic('BYL2015', this.fileName, e?.span, `table ${name.name} has more than one default row`));
        } else defaultValue = e.value;
      });
      this.OPTION2(() => this.CONSUME(T.Comma));
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => ({
      kind: 'TableDecl' as const,
      span: spanOf(kw, close),
      name,
      label,
      keyType,
      valueType,
      entries,
      defaultValue,
    }));
  });

  private tableEntry = this.RULE('tableEntry', (): A.TableEntry | { span: A.Span; value: A.Expression } => {
    return this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.Default);
          this.CONSUME(T.Colon);
          const value = this.SUBRULE(this.expression);
          return this.ACTION(() => ({ span: spanOf(kw, value?.span), value }));
        },
      },
      {
        ALT: () => {
          const key = this.OR2([
            { ALT: () => this.identifier(this.CONSUME(T.Identifier)) },
            { ALT: () => this.stringLiteral(this.CONSUME(T.StringLiteral)) },
          ]);
          this.CONSUME2(T.Colon);
          const value = this.SUBRULE2(this.expression);
          return this.ACTION(() => ({ kind: 'TableEntry' as const, span: spanOf(key?.span, value?.span), key, value }));
        },
      },
    ]);
  });

  // --------------------------------------------------------------- criteria

  private heading = this.RULE('heading', (): A.Heading => {
    const id = this.identifier(this.CONSUME(T.Identifier));
    const label = this.OPTION(() => this.stringLiteral(this.CONSUME(T.StringLiteral)));
    const cites = this.OPTION2(() => {
      this.CONSUME(T.Cites);
      return this.stringLiteral(this.CONSUME2(T.StringLiteral));
    });
    return { id, label, cites };
  });

  private criterion = this.RULE('criterion', (): A.CriterionDecl => {
    const kw = this.CONSUME(T.Criterion);
    const h = this.SUBRULE(this.heading);
    this.CONSUME(T.Colon);
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => ({ kind: 'CriterionDecl' as const, span: spanOf(kw, body?.span), ...h, body }));
  });

  // Nesting is counted once per level an author sees: a combinator block, a parenthesis or
  // list (through `expression`), a `not` or a unary minus, a type inside `list of`.
  private body = this.RULE('body', (): A.CriterionBody => {
    return this.OR([
      {
        GATE: () => this.isCombinatorStart(),
        ALT: () => {
          return this.nested(() => this.SUBRULE(this.combinator));
        },
      },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  private isCombinatorStart(): boolean {
    const a = this.LA(1).tokenType;
    const b = this.LA(2).tokenType;
    return ((a === T.All || a === T.Any) && b === T.Of) || (a === T.At && b === T.Least);
  }

  private combinator = this.RULE('combinator', (): A.Combinator => {
    let mode: A.CombinatorMode = 'all';
    let count: A.NumberLiteral | undefined;
    const first = this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.All);
          this.CONSUME(T.Of);
          return t;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Any);
          this.CONSUME2(T.Of);
          mode = 'any';
          return t;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.At);
          this.CONSUME(T.Least);
          count = this.numberLiteral(this.CONSUME(T.NumberLiteral));
          this.CONSUME3(T.Of);
          mode = 'atLeast';
          return t;
        },
      },
    ]);
    this.CONSUME(T.LBrace);
    const items: A.CriterionItem[] = [];
    this.MANY(() => {
      const item = this.SUBRULE(this.item);
      if (item) items.push(item);
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'Combinator' as const, span: spanOf(first, close), mode, count, items }));
  });

  private item = this.RULE('item', (): A.CriterionItem => {
    return this.OR([
      {
        GATE: () => this.isNamedItemStart(),
        ALT: () => {
          const h = this.SUBRULE(this.heading);
          this.CONSUME(T.Colon);
          const body = this.SUBRULE(this.body);
          return this.ACTION(() => ({ kind: 'CriterionItem' as const, span: spanOf(h?.id?.span, body?.span), ...h, body }));
        },
      },
      {
        ALT: () => {
          const body = this.SUBRULE2(this.body);
          return this.ACTION(() => ({
            kind: 'CriterionItem' as const,
            span: body?.span,
            id: undefined,
            label: undefined,
            cites: undefined,
            body,
          }));
        },
      },
    ]);
  });

  private isNamedItemStart(): boolean {
    if (this.LA(1).tokenType !== T.Identifier) return false;
    const next = this.LA(2).tokenType;
    return next === T.StringLiteral || next === T.Cites || next === T.Colon;
  }

  // --------------------------------------------------------------- outcomes

  private decide = this.RULE('decide', (): A.DecideBlock => {
    const kw = this.CONSUME(T.Decide);
    this.CONSUME(T.LBrace);
    const rules: A.DecisionRule[] = [];
    this.MANY(() => {
      const r = this.SUBRULE(this.decisionRule);
      if (r) rules.push(r);
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'DecideBlock' as const, span: spanOf(kw, close), rules }));
  });

  private decisionRule = this.RULE(
    'decisionRule',
    (): A.DecisionRule =>
      this.OR([
        {
          ALT: () => {
            const kw = this.CONSUME(T.Admit);
            this.CONSUME(T.When);
            const body = this.SUBRULE(this.body);
            return this.ACTION(() => ({ kind: 'AdmitRule' as const, span: spanOf(kw, body?.span), body }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Exclude);
            return this.headedWithBody('ExcludeRule', kw);
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Tier);
            return this.headedWithBody('TierRule', kw);
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Default);
            this.CONSUME2(T.Tier);
            const h = this.SUBRULE(this.heading);
            return this.ACTION(() => ({ kind: 'DefaultTierRule' as const, span: spanOf(kw, endOfHeading(h)), ...h }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Outcome);
            return this.headedWithBody('OutcomeRule', kw);
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Otherwise);
            this.CONSUME2(T.Outcome);
            const h = this.SUBRULE2(this.heading);
            return this.ACTION(() => ({ kind: 'OtherwiseRule' as const, span: spanOf(kw, endOfHeading(h)), ...h }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Prefer);
            return this.headedWithBody('PreferRule', kw);
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.Benefit);
            const h = this.SUBRULE3(this.heading);
            const grantedTo: A.Identifier[] = [];
            this.OPTION(() => {
              this.CONSUME(T.For);
              grantedTo.push(this.identifier(this.CONSUME(T.Identifier)));
              this.MANY(() => {
                this.CONSUME(T.Comma);
                grantedTo.push(this.identifier(this.CONSUME2(T.Identifier)));
              });
            });
            return this.ACTION(() => ({
              kind: 'BenefitRule' as const,
              span: spanOf(kw, grantedTo.at(-1)?.span ?? endOfHeading(h)),
              ...h,
              grantedTo,
            }));
          },
        },
      ]),
    { resyncEnabled: true },
  );

  private headedRule = this.RULE('headedRule', () => {
    const h = this.SUBRULE(this.heading);
    this.CONSUME(T.Colon);
    const body = this.SUBRULE(this.body);
    return { h, body };
  });

  private headedWithBody<K extends 'ExcludeRule' | 'TierRule' | 'OutcomeRule' | 'PreferRule'>(kind: K, kw: IToken) {
    // One occurrence index per alternative of decisionRule (Chevrotain tells the uses of a subrule apart by it).
    const r =
      kind === 'ExcludeRule'
        ? this.SUBRULE(this.headedRule)
        : kind === 'TierRule'
          ? this.SUBRULE1(this.headedRule)
          : kind === 'OutcomeRule'
            ? this.SUBRULE2(this.headedRule)
            : this.SUBRULE3(this.headedRule);
    return this.ACTION(() => ({ kind, span: spanOf(kw, r?.body?.span), ...r?.h, body: r?.body })) as Extract<
      A.DecisionRule,
      { kind: K }
    >;
  }

  // ------------------------------------------------------------ expressions

  public expression = this.RULE('expression', (): A.Expression => {
    return this.nested(() => this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.If);
          const condition = this.SUBRULE(this.expression);
          this.CONSUME(T.Then);
          const then = this.SUBRULE2(this.expression);
          this.CONSUME(T.Else);
          const otherwise = this.SUBRULE3(this.expression);
          return this.ACTION(() => ({
            kind: 'ConditionalExpr' as const,
            span: spanOf(kw, otherwise?.span),
            condition,
            then,
            otherwise,
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.orExpr) },
    ]));
  });

  private orExpr = this.RULE('orExpr', (): A.Expression => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpr);
      left = this.ACTION(() => binary('or', left, right));
    });
    return left;
  });

  private andExpr = this.RULE('andExpr', (): A.Expression => {
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      const right = this.SUBRULE2(this.notExpr);
      left = this.ACTION(() => binary('and', left, right));
    });
    return left;
  });

  private notExpr = this.RULE('notExpr', (): A.Expression => {
    return this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.Not);
          const operand = this.nested(() => this.SUBRULE(this.notExpr));
          return this.ACTION(() => ({
            kind: 'UnaryExpr' as const,
            span: spanOf(kw, operand?.span),
            operator: 'not' as const,
            operand,
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  private comparison = this.RULE('comparison', (): A.Expression => {
    const left = this.SUBRULE(this.duringExpr);
    const rest = this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => this.CONSUME(T.Equal) },
              { ALT: () => this.CONSUME(T.DoubleEqual) },
              { ALT: () => this.CONSUME(T.NotEqual) },
              { ALT: () => this.CONSUME(T.LessEqual) },
              { ALT: () => this.CONSUME(T.GreaterEqual) },
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.Greater) },
              { ALT: () => this.CONSUME(T.In) },
              { ALT: () => this.CONSUME(T.Contains) },
            ]);
            const right = this.SUBRULE2(this.duringExpr);
            return this.ACTION(() => {
              if (tokenMatcher(op, T.DoubleEqual)) {
                this.extra.push(
                  diagnostic('BYL2014', this.fileName, spanOf(op), "'==' is written '=' in Bylaw", {
                    hint: 'write a single = to compare: merchant.level = L3',
                  }),
                );
              }
              const operator = comparisonOperators.get(op.tokenType)!;
              return binary(operator, left, right);
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Not);
            this.CONSUME2(T.In);
            const right = this.SUBRULE3(this.duringExpr);
            return this.ACTION(() => binary('not in', left, right));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Starts);
            this.CONSUME(T.With);
            const right = this.SUBRULE4(this.duringExpr);
            return this.ACTION(() => binary('starts with', left, right));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Ends);
            this.CONSUME2(T.With);
            const right = this.SUBRULE5(this.duringExpr);
            return this.ACTION(() => binary('ends with', left, right));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Satisfies);
            const policy = this.SUBRULE(this.qualifiedName);
            return this.ACTION(() => ({
              kind: 'SatisfiesExpr' as const,
              span: spanOf(left?.span, policy?.span),
              subject: left,
              policy,
            }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            const word = this.OR3([{ ALT: () => this.CONSUME(T.Present) }, { ALT: () => this.CONSUME(T.Missing) }]);
            return this.ACTION(() => ({
              kind: 'PresenceExpr' as const,
              span: spanOf(left?.span, spanOf(word)),
              operand: left,
              present: tokenMatcher(word, T.Present),
            }));
          },
        },
      ]),
    );
    return rest ?? left;
  });

  private duringExpr = this.RULE('duringExpr', (): A.Expression => {
    const series = this.SUBRULE(this.additive);
    const period = this.OPTION(() => {
      this.CONSUME(T.During);
      return this.SUBRULE2(this.additive);
    });
    return this.ACTION(() =>
      period ? { kind: 'DuringExpr' as const, span: spanOf(series?.span, period?.span), series, period } : series,
    );
  });

  private additive = this.RULE('additive', (): A.Expression => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => binary(tokenMatcher(op, T.Plus) ? '+' : '-', left, right));
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): A.Expression => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => binary(tokenMatcher(op, T.Star) ? '*' : '/', left, right));
    });
    return left;
  });

  private unary = this.RULE('unary', (): A.Expression => {
    return this.OR([
      {
        ALT: () => {
          const op = this.CONSUME(T.Minus);
          const operand = this.nested(() => this.SUBRULE(this.unary));
          return this.ACTION(() => ({
            kind: 'UnaryExpr' as const,
            span: spanOf(op, operand?.span),
            operator: '-' as const,
            operand,
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  private postfix = this.RULE('postfix', (): A.Expression => {
    let object = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const member = this.SUBRULE(this.nameLike);
            object = this.ACTION(() => ({
              kind: 'MemberAccess' as const,
              span: spanOf(object?.span, member?.span),
              object,
              member,
            }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const index = this.SUBRULE(this.expression);
            const close = this.CONSUME(T.RBracket);
            object = this.ACTION(() => ({ kind: 'IndexAccess' as const, span: spanOf(object?.span, spanOf(close)), object, index }));
          },
        },
      ]);
    });
    return object;
  });

  private primary = this.RULE('primary', (): A.Expression => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.numberOrDuration) },
      { ALT: () => this.stringLiteral(this.CONSUME(T.StringLiteral)) },
      {
        ALT: () => {
          const t = this.CONSUME(T.True);
          return this.ACTION(() => ({ kind: 'BoolLiteral' as const, span: spanOf(t), value: true }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.False);
          return this.ACTION(() => ({ kind: 'BoolLiteral' as const, span: spanOf(t), value: false }));
        },
      },
      { ALT: () => this.dateLiteral(this.CONSUME(T.DateLiteral)) },
      {
        ALT: () => {
          const t = this.CONSUME(T.DateTimeLiteral);
          return this.ACTION(() => {
            this.checkDate(t, t.image.slice(0, 10));
            return { kind: 'DateTimeLiteral' as const, span: spanOf(t), raw: t.image };
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Today);
          return this.ACTION(() => ({ kind: 'TodayRef' as const, span: spanOf(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Now);
          return this.ACTION(() => ({ kind: 'NowRef' as const, span: spanOf(t) }));
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.expression);
          const close = this.CONSUME(T.RParen);
          // Parentheses widen the span so that diagnostics and the formatter see them.
          return this.ACTION(() => ({ ...inner, span: spanOf(open, close) }) as A.Expression);
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const elements: A.Expression[] = [];
          this.MANY_SEP({
            SEP: T.Comma,
            DEF: () => elements.push(this.SUBRULE2(this.expression)),
          });
          const close = this.CONSUME(T.RBracket);
          return this.ACTION(() => ({ kind: 'ListLiteral' as const, span: spanOf(open, close), elements }));
        },
      },
      { ALT: () => this.SUBRULE(this.aggregate) },
      { ALT: () => this.SUBRULE(this.period) },
      {
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          return this.ACTION(() => ({ kind: 'NameRef' as const, span: spanOf(t), name: t.image }));
        },
      },
    ]);
  });

  private numberOrDuration = this.RULE('numberOrDuration', (): A.Expression => {
    const amount = this.numberLiteral(this.CONSUME(T.NumberLiteral));
    const natural = this.OPTION(() => this.CONSUME(T.Natural));
    const unit = this.OPTION2(() => this.SUBRULE(this.timeUnit));
    return this.ACTION(() => {
      if (!unit) {
        if (natural) {
          this.extra.push(
            diagnostic('BYL1004', this.fileName, spanOf(natural), "'natural' must be followed by a unit", {
              hint: 'write 3 natural months or 1 natural year',
            }),
          );
        }
        return amount;
      }
      return {
        kind: 'DurationLiteral' as const,
        span: spanOf(amount?.span, unit?.span),
        amount,
        unit: unit?.unit as A.TimeUnit,
        natural: natural !== undefined,
      };
    });
  });

  private timeUnit = this.RULE('timeUnit', (): { unit: A.TimeUnit; span: A.Span } => {
    const t = this.OR([
      { ALT: () => this.CONSUME(T.Hours) },
      { ALT: () => this.CONSUME(T.Hour) },
      { ALT: () => this.CONSUME(T.Days) },
      { ALT: () => this.CONSUME(T.Day) },
      { ALT: () => this.CONSUME(T.Months) },
      { ALT: () => this.CONSUME(T.Month) },
      { ALT: () => this.CONSUME(T.Years) },
      { ALT: () => this.CONSUME(T.Year) },
    ]);
    return this.ACTION(() => ({ unit: units[t.image]!, span: spanOf(t) }));
  });

  private period = this.RULE('period', (): A.PeriodExpr => {
    const kw = this.CONSUME(T.Last);
    const amount = this.numberLiteral(this.CONSUME(T.NumberLiteral));
    const natural = this.OPTION(() => this.CONSUME(T.Natural));
    const unit = this.SUBRULE(this.timeUnit);
    return this.ACTION(() => ({
      kind: 'PeriodExpr' as const,
      span: spanOf(kw, unit?.span),
      length: {
        kind: 'DurationLiteral' as const,
        span: spanOf(amount?.span, unit?.span),
        amount,
        unit: unit?.unit as A.TimeUnit,
        natural: natural !== undefined,
      },
    }));
  });

  /** The alternatives of the aggregate rule, one per aggregation keyword, made once. */
  private aggregateKeywords: IOrAlt<IToken>[] | undefined;

  private aggregate = this.RULE('aggregate', (): A.AggregateExpr => {
    const fnToken = this.OR((this.aggregateKeywords ??= AGGREGATION_TOKENS.map(([, t]) => ({ ALT: () => this.CONSUME(t) }))));
    this.CONSUME(T.LParen);
    const variable = this.OPTION({
      GATE: () => this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType === T.In,
      DEF: () => {
        const v = this.identifier(this.CONSUME(T.Identifier));
        this.CONSUME(T.In);
        return v;
      },
    });
    const source = this.SUBRULE(this.expression);
    const filter = this.OPTION2(() => {
      this.CONSUME(T.Where);
      return this.SUBRULE2(this.expression);
    });
    const projection = this.OPTION3(() => {
      this.CONSUME(T.Colon);
      return this.SUBRULE3(this.expression);
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({
      kind: 'AggregateExpr' as const,
      span: spanOf(fnToken, close),
      fn: aggregationOfToken.get(fnToken.tokenType)!,
      variable,
      source,
      filter,
      projection,
    }));
  });

  // ------------------------------------------------------------------ names

  private qualifiedName = this.RULE('qualifiedName', (): A.QualifiedName => {
    const parts: A.Identifier[] = [this.SUBRULE(this.nameLike)];
    this.MANY(() => {
      this.CONSUME(T.Dot);
      parts.push(this.SUBRULE2(this.nameLike));
    });
    return this.ACTION(() => ({
      kind: 'QualifiedName' as const,
      span: spanOf(parts[0]?.span, parts.at(-1)?.span),
      parts,
      text: parts.map((p) => p?.name).join('.'),
    }));
  });

  /** A name where keywords are allowed too: fields, members, policy id parts. */
  private nameLike = this.RULE('nameLike', (): A.Identifier => {
    return this.identifier(this.CONSUME(T.NameLike));
  });

  // --------------------------------------------------------- token → node

  private identifier(t: IToken): A.Identifier {
    return this.ACTION(() => ({ kind: 'Identifier' as const, span: spanOf(t), name: t.image }));
  }

  private stringLiteral(t: IToken): A.StringLiteral {
    return this.ACTION(() => {
      let value = t.image.slice(1, -1);
      if (t.image.includes('\\')) {
        try {
          value = JSON.parse(t.image) as string;
        } catch {
          this.extra.push(
            diagnostic('BYL1007', this.fileName, spanOf(t), 'invalid escape sequence in string', {
              hint: 'escapes are \\" \\\\ \\n \\t and \\uXXXX',
            }),
          );
        }
      }
      return { kind: 'StringLiteral' as const, span: spanOf(t), raw: t.image, value };
    });
  }

  private numberLiteral(t: IToken): A.NumberLiteral {
    return this.ACTION(() => {
      const value = decimalOfNumberLiteral(t.image);
      if (value === undefined) {
        this.extra.push(
          diagnostic('BYL1005', this.fileName, spanOf(t), `invalid number ${t.image}`, {
            hint: 'digits may be grouped with _ between them: 9_000_000',
          }),
        );
      }
      return { kind: 'NumberLiteral' as const, span: spanOf(t), raw: t.image, value: value ?? '0' };
    });
  }

  private dateLiteral(t: IToken): A.DateLiteral {
    return this.ACTION(() => {
      const [year, month, day] = t.image.split('-').map(Number) as [number, number, number];
      this.checkDate(t, t.image);
      return { kind: 'DateLiteral' as const, span: spanOf(t), raw: t.image, year, month, day };
    });
  }

  private checkDate(t: IToken, text: string): void {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    if (!isValidCivilDate(y, m, d)) {
      this.extra.push(
        diagnostic('BYL1006', this.fileName, spanOf(t), `${text} is not a date`, {
          hint: m < 1 || m > 12 ? 'months run from 01 to 12' : `month ${m} of ${y} has ${daysInMonth(y, m)} days`,
        }),
      );
    }
  }
}

function endOfHeading(h: A.Heading): A.Span {
  return (h.cites ?? h.label ?? h.id)?.span as A.Span;
}

function binary(operator: A.BinaryOperator, left: A.Expression, right: A.Expression): A.BinaryExpr {
  return { kind: 'BinaryExpr', span: { start: left?.span?.start ?? NaN, end: right?.span?.end ?? NaN }, operator, left, right };
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function isValidCivilDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * The exact decimal value of a number literal as a canonical string:
 * `900万` → `"9000000"`, `2.5亿` → `"250000000"`, `10%` → `"0.1"`.
 * Returns undefined for a malformed literal (such as a trailing `_`).
 */
export function decimalOfNumberLiteral(raw: string): string | undefined {
  let text = raw;
  let shift = 0;
  if (text.endsWith('万')) (shift = 4), (text = text.slice(0, -1));
  else if (text.endsWith('亿')) (shift = 8), (text = text.slice(0, -1));
  else if (text.endsWith('%')) (shift = -2), (text = text.slice(0, -1));
  if (/_$|_\.|\._|__/.test(text)) return undefined;
  text = text.replace(/_/g, '');
  const [intPart = '0', fracPart = ''] = text.split('.');
  let digits = intPart + fracPart;
  let point = intPart.length + shift;
  if (point < 0) (digits = '0'.repeat(-point) + digits), (point = 0);
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length);
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(point).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

let sharedParser: PolicyParser | undefined;

/** What {@link parse} returns. */
export interface ParseResult {
  /** The AST. It may be incomplete when `diagnostics` holds errors. */
  readonly ast: A.SourceFile;
  readonly diagnostics: readonly Diagnostic[];
}

const invisible = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0]/;

/**
 * Parse a `.policy` source text. Never throws: every lexing and syntax
 * problem is returned as a diagnostic.
 *
 * @example
 * ```ts
 * const { ast, diagnostics } = parse(text, 'policies/x.policy');
 * ```
 */
export function parse(text: string, file = '<input>', limits: Partial<Limits> = {}): ParseResult {
  const { maxSourceLength, maxNestingDepth, maxSyntaxErrors } = { ...defaultLimits, ...limits };
  const empty: A.SourceFile = {
    kind: 'SourceFile',
    span: { start: 0, end: text.length },
    header: undefined,
    imports: [],
    declarations: [],
    comments: [],
  };
  if (text.length > maxSourceLength) {
    const d = diagnostic('BYL4002', file, { start: 0, end: 0 }, `the file has ${text.length} characters; the limit is ${maxSourceLength}`, {
      hint: 'split the policy into files, or raise limits.maxSourceLength',
    });
    return { ast: empty, diagnostics: [d] };
  }
  const lexed = tokenize(text);
  const lexical = lexicalDiagnostics(text, file, lexed, maxSyntaxErrors);
  // More lexical errors than the budget: the parser need not look past the first one over it.
  const lexicalStop = lexical.length > maxSyntaxErrors ? lexical[maxSyntaxErrors]!.span.start : Infinity;
  const parser = (sharedParser ??= new PolicyParser());
  parser.fileName = file;
  parser.extra = [];
  parser.maxDepth = maxNestingDepth;
  parser.errorBudget = { max: maxSyntaxErrors, lexical: lexical.map((d) => d.span.start) };
  parser.resetDepth();
  parser.partial = { header: undefined, imports: [], declarations: [] };
  parser.input = lexicalStop === Infinity ? lexed.tokens : lexed.tokens.filter((t) => t.startOffset < lexicalStop);
  const diagnostics: Diagnostic[] = lexical;
  let ast: A.SourceFile | undefined;
  let stop = lexicalStop;
  try {
    ast = parser.file() ?? parser.parsedSoFar();
  } catch (e) {
    if (e instanceof TooManyErrors) {
      stop = Math.min(stop, Number.isNaN(e.offset) ? text.length : e.offset);
    } else if (!(e instanceof NestingTooDeep) && !(e instanceof RangeError)) {
      // With error recovery a rule can return undefined, which an action may then read
      // (`right.span`). That happens only after a syntax error: report the syntax errors
      // (the AST would be incomplete anyway) instead of throwing.
      if (parser.errors.length === 0) throw e;
    } else {
      const at = e instanceof NestingTooDeep ? spanOf(e.token) : { start: 0, end: 0 };
      // A RangeError is the stack running out first (a limit raised beyond what the parser's recursion can take).
      const message = e instanceof NestingTooDeep ? `nesting is deeper than ${maxNestingDepth} levels` : `nesting is too deep to parse: the stack ran out before ${maxNestingDepth} levels`;
      diagnostics.push(
        diagnostic('BYL4001', file, Number.isNaN(at.start) ? { start: text.length, end: text.length } : at, message, {
          hint: 'name the inner parts with let definitions or criteria, or raise limits.maxNestingDepth',
        }),
      );
      return { ast: empty, diagnostics };
    }
  }
  for (const e of parser.errors) diagnostics.push(syntaxDiagnostic(e, file, text));
  addExtra(diagnostics, parser.extra, text.length);
  if (stop !== Infinity) return { ast: empty, diagnostics: stopAtBudget(sortDiagnostics(diagnostics), stop, maxSyntaxErrors, file) };
  if (ast === undefined) return { ast: empty, diagnostics: sortDiagnostics(diagnostics) };
  const tooDeep = repairSpansAndMeasureDepth(ast, text.length, maxNestingDepth);
  if (tooDeep) {
    diagnostics.push(
      diagnostic('BYL4001', file, tooDeep, `nesting is deeper than ${maxNestingDepth} levels`, {
        hint: 'name the inner parts with let definitions or criteria, or raise limits.maxNestingDepth',
      }),
    );
    return { ast: empty, diagnostics: sortDiagnostics(diagnostics) };
  }
  const comments: A.Comment[] = lexed.comments.map((c) => ({
    kind: 'Comment',
    span: spanOf(c),
    text: c.image,
    block: c.tokenType === T.BlockComment,
  }));
  return { ast: { ...ast, span: { start: 0, end: text.length }, comments }, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * The diagnostics of a file read only up to `stop` (sorted): those before it, at most
 * `max` of them, and a BYL4003 where reading stopped. Errors at or after `stop` (including
 * those the parser met at the end of the tokens it was given) are not the author's.
 */
function stopAtBudget(sorted: readonly Diagnostic[], stop: number, max: number, file: string): Diagnostic[] {
  const kept: Diagnostic[] = [];
  for (const d of sorted) {
    if (d.span.start >= stop) break;
    if (kept.length === max) {
      stop = d.span.start;
      break;
    }
    kept.push(d);
  }
  kept.push(
    diagnostic('BYL4003', file, { start: stop, end: stop }, `more than ${max} syntax errors: the file is not read beyond this point`, {
      hint: 'is this a policy file? Fix the errors above, or raise limits.maxSyntaxErrors',
    }),
  );
  return kept;
}

/**
 * Unexpected characters, full-width punctuation, invisible characters in names, bidirectional
 * controls in strings and comments, unclosed strings and comments: sorted, and only the first
 * `max + 1` made into diagnostics (a hostile file can have hundreds of thousands).
 */
function lexicalDiagnostics(text: string, file: string, lexed: TokenizeResult, max: number): Diagnostic[] {
  const found: { start: number; make: () => Diagnostic }[] = [];
  const add = (start: number, make: () => Diagnostic) => found.push({ start, make });
  for (const u of mergeRuns(lexed.unexpected)) {
    add(u.offset, () => {
      const chars = text.slice(u.offset, u.offset + u.length);
      return invisible.test(chars)
        ? diagnostic('BYL1008', file, { start: u.offset, end: u.offset + u.length }, `invisible character ${codePoints(chars)} in the source`, {
            hint: 'zero-width and bidirectional control characters can make code read differently from how it runs; delete them',
          })
        : diagnostic('BYL1001', file, { start: u.offset, end: u.offset + u.length }, `unexpected character${u.length > 1 ? 's' : ''} ${JSON.stringify(chars.slice(0, 20))}`, {
            hint: describeUnexpected(chars),
          });
    });
  }
  for (const t of lexed.tokens) {
    const ascii = T.fullWidthTokens.get(t.tokenType);
    if (ascii !== undefined) {
      add(t.startOffset, () =>
        t.tokenType === T.CurlyQuotedString
          ? diagnostic('BYL1001', file, spanOf(t), 'a string in curly quotes “…”', { hint: 'strings use straight double quotes: "…"' })
          : diagnostic('BYL1001', file, spanOf(t), `full-width ${JSON.stringify(t.image)} where ${JSON.stringify(ascii)} belongs`, {
              hint: `type the ASCII ${JSON.stringify(ascii)} (switch the input method to half-width); inside a "string" either is fine`,
            }),
      );
    }
    if (t.tokenType === T.Identifier && invisible.test(t.image)) {
      const at = t.startOffset + t.image.search(invisible);
      add(at, () => {
        const chars = t.image.match(new RegExp(invisible.source, 'g'))!.join('');
        const name = t.image.replace(new RegExp(invisible.source, 'g'), '');
        return diagnostic('BYL1008', file, { start: at, end: at + 1 }, `the name ${JSON.stringify(name.length > 40 ? name.slice(0, 40) + '…' : name)} contains invisible character ${codePoints(chars)}`, {
          hint: 'zero-width and bidirectional control characters make a name look like another one; delete them',
        });
      });
    }
    if (t.tokenType === T.StringLiteral || t.tokenType === T.CurlyQuotedString) bidiInside(t, 'string', add, file);
  }
  for (const t of lexed.comments) bidiInside(t, 'comment', add, file);
  for (const t of lexed.badTokens) {
    if (t.tokenType === T.UnterminatedString) {
      add(t.startOffset, () => diagnostic('BYL1002', file, spanOf(t), 'string is not closed', { hint: 'close the string with " on the same line' }));
      bidiInside(t, 'string', add, file);
    } else if (t.tokenType === T.UnterminatedCurlyString) {
      add(t.startOffset, () =>
        diagnostic('BYL1002', file, spanOf(t), 'a string in curly quotes “… is not closed', { hint: 'strings use straight double quotes, closed on the same line: "…"' }),
      );
      bidiInside(t, 'string', add, file);
    } else {
      add(t.startOffset, () =>
        diagnostic('BYL1003', file, { start: t.startOffset, end: t.startOffset + 2 }, 'block comment is not closed', {
          hint: 'close the comment with */',
        }),
      );
      bidiInside(t, 'comment', add, file);
    }
  }
  found.sort((x, y) => x.start - y.start);
  const out: Diagnostic[] = [];
  for (const f of found) {
    if (out.length > max) break;
    out.push(f.make());
  }
  return out;
}

/**
 * Bidirectional controls that reorder text (embeddings, overrides, isolates: the "Trojan Source"
 * characters). Inside a string or a comment they make the line display differently from how it
 * reads: code can seem commented out, or a string seem to end where it does not.
 */
const bidiControl = /[\u202a-\u202e\u2066-\u2069]/g;

/** One BYL1008 for a string or comment token holding bidirectional controls, at the first of them. */
function bidiInside(t: IToken, where: 'string' | 'comment', add: (start: number, make: () => Diagnostic) => void, file: string): void {
  bidiControl.lastIndex = 0;
  const first = bidiControl.exec(t.image);
  if (first === null) return;
  const at = t.startOffset + first.index;
  add(at, () => {
    const chars = t.image.match(bidiControl)!.join('');
    return diagnostic('BYL1008', file, { start: at, end: at + 1 }, `bidirectional control character ${codePoints(chars)} in a ${where}`, {
      hint:
        where === 'string'
          ? 'it makes the line display differently from how it reads; delete it, or write it as an escape ("\\u202E") if the text needs it'
          : 'it makes the line display differently from how it reads; delete it',
    });
  });
}

/**
 * Add the diagnostics found by grammar actions. Not `push(...extra)`: a hostile file can
 * have more of them than the stack holds arguments. A diagnostic about a token that
 * error recovery invented (it has no offsets: an empty date or number where one was
 * missing) is dropped, since the syntax error already reports the missing token; one
 * that merely ends at such a token is cut at its start.
 */
function addExtra(diagnostics: Diagnostic[], extra: readonly Diagnostic[], length: number): void {
  const valid = (n: number) => Number.isInteger(n) && n >= 0 && n <= length;
  for (const d of extra) {
    if (!valid(d.span.start)) continue;
    diagnostics.push(valid(d.span.end) && d.span.end >= d.span.start ? d : { ...d, span: { start: d.span.start, end: d.span.start } });
  }
}

/**
 * Walk the AST without recursion, after parsing:
 *  - give every node a span inside the file: nodes built from tokens that error
 *    recovery invented have no offsets (NaN), so they get the position of their parent;
 *  - find the first node nested deeper than `maxDepth` (counted from its declaration).
 *    Chains such as `a + b + …`, `a and b and …` or `m.r.r.r` are parsed by loops, so the
 *    parser's own count does not see them, but everything after the parser recurses on them.
 * Returns the span of the first node too deep, if any.
 */
function repairSpansAndMeasureDepth(ast: A.SourceFile, length: number, maxDepth: number): A.Span | undefined {
  const valid = (n: number) => Number.isInteger(n) && n >= 0 && n <= length;
  const stack: { node: unknown; depth: number; at: number }[] = [];
  for (const d of [ast.header, ...ast.imports, ...ast.declarations]) if (d) stack.push({ node: d, depth: 0, at: 0 });
  while (stack.length > 0) {
    const { node, depth, at } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const x of node) stack.push({ node: x, depth, at });
      continue;
    }
    const rec = node as { kind?: unknown; span?: Mutable<A.Span> };
    let here = at;
    const span = rec.span;
    if (span && typeof span === 'object') {
      if (!valid(span.start)) span.start = valid(span.end) ? span.end : at;
      if (!valid(span.end) || span.end < span.start) span.end = span.start;
      here = span.start;
    }
    // Levels as an author sees them: an item of an `all of` block is not a level of its own (the block
    // is), nor is a name; every operator, member access and index is (a chain is nested for the checker).
    const d = rec.kind === undefined || rec.kind === 'CriterionItem' || rec.kind === 'Identifier' ? depth : depth + 1;
    if (d > maxDepth && span) return { start: span.start, end: span.end };
    for (const key in rec) {
      if (key === 'span') continue;
      const child = (rec as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: d, at: here });
    }
  }
  return undefined;
}

function syntaxDiagnostic(e: IRecognitionException, file: string, text: string): Diagnostic {
  const t = e.token;
  const atEnd = t.tokenType === EOF || Number.isNaN(t.startOffset);
  const span = atEnd ? { start: text.length, end: text.length } : spanOf(t);
  const rule = [...e.context.ruleStack].reverse().find((r) => ruleHints[r]);
  const hint = rule ? ruleHints[rule] : undefined;
  return diagnostic('BYL1004', file, span, e.message, hint ? { hint } : {});
}

/** How many elements of an ascending array are < `value`. */
function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeRuns(runs: { offset: number; length: number }[]): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (const r of runs) {
    const last = out.at(-1);
    if (last && last.offset + last.length === r.offset) last.length += r.length;
    else out.push({ ...r });
  }
  return out;
}

/** The distinct code points of `s`, as U+XXXX, the first eight of them and a count of the rest. */
function codePoints(s: string): string {
  const distinct = [...new Set(s)];
  const shown = distinct.slice(0, 8).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return distinct.length > 8 ? `${shown.join(' ')} and ${distinct.length - 8} more` : shown.join(' ');
}

function describeUnexpected(chars: string): string {
  if (/[“”]/.test(chars)) return 'strings use straight double quotes: "…"';
  if (/[‘’']/.test(chars)) return 'strings use double quotes: "…"';
  if (/[：]/.test(chars)) return 'use an ASCII colon : instead of the full-width ：';
  if (/[，]/.test(chars)) return 'use an ASCII comma , instead of the full-width ，';
  if (/[（）]/.test(chars)) return 'use ASCII parentheses ( ) instead of full-width （ ）';
  if (/[≥≤]/.test(chars)) return 'write >= or <= instead of ≥ ≤';
  if (/[&|]/.test(chars)) return 'write and / or / not instead of && || !';
  if (chars.includes('\ufffd')) return 'the file is not valid UTF-8 here';
  return 'remove it, or put it inside a string or a comment';
}
