/**
 * The lexer: source text → tokens (and comments, kept aside for the formatter).
 */
import { createToken, Lexer, type IToken, type ITokenConfig, type TokenType, type CustomPatternMatcherFunc } from './chevrotain.js';
import type { AggregateFunction } from './ast.js';

/** A token whose text never holds a line break: said, so that the lexer need not analyse its pattern for them. */
const token = (config: ITokenConfig): TokenType => createToken({ line_breaks: false, ...config });

// Identifiers: any Unicode letter or `_`, then letters, digits, combining marks or `_`.
// Invisible format characters (zero-width, bidirectional controls) are matched inside a name
// so that the parser reports them once, on the name, instead of splitting it in two.
const identifierPattern =
  /[\p{L}\p{Nl}_](?:[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}_]|[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069](?=[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}_\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]))*/uy;
const matchIdentifier: CustomPatternMatcherFunc = (text, offset) => {
  identifierPattern.lastIndex = offset;
  return identifierPattern.exec(text);
};

/** A category matched by a name or any keyword: field names and policy id parts may be keywords. */
export const NameLike = createToken({ name: 'NameLike', pattern: Lexer.NA, label: 'a name' });

/** Names: fields, definitions, types, enum members. Keywords are tokens of their own. */
export const Identifier = token({
  categories: [NameLike],
  name: 'Identifier',
  pattern: { exec: matchIdentifier },
  label: 'a name',
  start_chars_hint: identifierStartHints(),
});

/**
 * Chevrotain's first-character optimisation buckets code points above 255 by
 * blocks of 256, so one code per block is enough to let any letter start an
 * identifier while keeping the optimisation on.
 */
function identifierStartHints(): number[] {
  const hints: number[] = [0x5f];
  for (let c = 0x41; c <= 0x5a; c++) hints.push(c, c + 0x20);
  for (let c = 0xc0; c <= 0xff; c++) if (c !== 0xd7 && c !== 0xf7) hints.push(c);
  hints.push(0xaa, 0xb5, 0xba);
  for (let block = 0x100; block <= 0xffff; block += 0x100) hints.push(block);
  return hints;
}

const keywordTokens: TokenType[] = [];
/** Each keyword's token by its text. */
const keywordByText = new Map<string, TokenType>();
/**
 * A reserved word; it may still serve as a field name (after `.` and in record fields).
 * The lexer matches it as a name, and {@link tokenize} gives a name whose text is a
 * keyword the keyword's type: one pattern instead of one per keyword makes the lexer
 * quicker to build and to run, and `datetime` or `andy` can never split.
 */
const keyword = (word: string): TokenType => {
  const type = createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: Lexer.NA,
    label: `'${word}'`,
    categories: [NameLike],
  });
  keywordTokens.push(type);
  keywordByText.set(word, type);
  return type;
};

export const Policy = keyword('policy');
export const Version = keyword('version');
export const Published = keyword('published');
export const Effective = keyword('effective');
export const Until = keyword('until');
export const Source = keyword('source');
export const Timezone = keyword('timezone');
export const Note = keyword('note');
export const Import = keyword('import');
export const Subject = keyword('subject');
export const Type = keyword('type');
export const Enum = keyword('enum');
export const Let = keyword('let');
export const Param = keyword('param');
export const Placeholder = keyword('placeholder');
export const Table = keyword('table');
export const Criterion = keyword('criterion');
export const Cites = keyword('cites');
export const All = keyword('all');
export const Any = keyword('any');
export const Of = keyword('of');
export const At = keyword('at');
export const Least = keyword('least');
export const Decide = keyword('decide');
export const Admit = keyword('admit');
export const When = keyword('when');
export const Exclude = keyword('exclude');
export const Tier = keyword('tier');
export const Default = keyword('default');
export const Outcome = keyword('outcome');
export const Otherwise = keyword('otherwise');
export const Prefer = keyword('prefer');
export const Benefit = keyword('benefit');
export const For = keyword('for');
export const If = keyword('if');
export const Then = keyword('then');
export const Else = keyword('else');
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const In = keyword('in');
export const Contains = keyword('contains');
export const Starts = keyword('starts');
export const Ends = keyword('ends');
export const With = keyword('with');
export const Satisfies = keyword('satisfies');
export const Is = keyword('is');
export const Present = keyword('present');
export const Missing = keyword('missing');
export const During = keyword('during');
export const Last = keyword('last');
export const Natural = keyword('natural');
export const True = keyword('true');
export const False = keyword('false');
export const Today = keyword('today');
export const Now = keyword('now');
export const Count = keyword('count');
export const Sum = keyword('sum');
export const Min = keyword('min');
export const Max = keyword('max');
export const Where = keyword('where');
export const List = keyword('list');
export const Monthly = keyword('monthly');
export const BoolType = keyword('bool');
export const NumberType = keyword('number');
export const StringType = keyword('string');
export const DateType = keyword('date');
export const DateTimeType = keyword('datetime');
export const DurationType = keyword('duration');
export const Hours = keyword('hours');
export const Hour = keyword('hour');
export const Days = keyword('days');
export const Day = keyword('day');
export const Months = keyword('months');
export const Month = keyword('month');
export const Years = keyword('years');
export const Year = keyword('year');

/**
 * The keyword of each aggregation (declared in constructs/aggregations.ts): the grammar line
 * of an aggregation. The parser's `aggregate` rule takes any of them.
 */
export const aggregationKeywords: { readonly [F in AggregateFunction]: TokenType } = {
  count: Count,
  sum: Sum,
  min: Min,
  max: Max,
  any: Any,
  all: All,
};

/** Every keyword token, for positions where a keyword may serve as a plain name. */
export const keywords: readonly TokenType[] = keywordTokens;

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  // U+FEFF (a byte-order mark) is treated as white space wherever it stands.
  pattern: /[ \t\r\n\f\v\u00a0\u3000\ufeff]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = token({
  name: 'LineComment',
  pattern: /\/\/[^\n\r]*/,
  group: 'comments',
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: 'comments',
  line_breaks: true,
});
/** A `/*` that never closes: reported as an error, not silently swallowed. */
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  group: 'errors',
  line_breaks: true,
});
/**
 * Where a quoted string that starts at `offset` ends: after its closing quote (`closed`), or,
 * when the line ends first, where the line (or the file) ends. Strings never span lines.
 * Scanned by hand rather than by a pattern: a string that never closes is scanned once, by
 * its closed and its unterminated token alike (the last scan is kept), so a line of ten
 * thousand unclosed quotes costs ten thousand steps, not fifty million; and the steps show
 * in the scaling test, which counts the steps of code but not those inside a regular expression.
 */
function scanQuoted(text: string, offset: number, close: number, escapes: boolean): { end: number; closed: boolean } {
  if (lastScan.text === text && lastScan.offset === offset && lastScan.close === close) return lastScan;
  let i = offset + 1;
  let closed = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === close) {
      i++;
      closed = true;
      break;
    }
    if (c === 10 || c === 13) break;
    if (escapes && c === 92 /* \ */) {
      const next = text.charCodeAt(i + 1);
      // A backslash escapes any character but a line break (which ends the string before it).
      if (Number.isNaN(next) || next === 10 || next === 13 || next === 0x2028 || next === 0x2029) break;
      i += 2;
      continue;
    }
    i++;
  }
  lastScan = { text, offset, close, end: i, closed };
  return lastScan;
}
let lastScan: { text: string; offset: number; close: number; end: number; closed: boolean } = { text: '', offset: -1, close: 0, end: 0, closed: false };

/** A matcher for a string that opens with `open`: the closed string when `closed`, else the unterminated one. */
function quoted(open: string, close: string, escapes: boolean, closed: boolean): CustomPatternMatcherFunc {
  const openCode = open.charCodeAt(0);
  const closeCode = close.charCodeAt(0);
  return (text, offset) => {
    if (text.charCodeAt(offset) !== openCode) return null;
    const scan = scanQuoted(text, offset, closeCode, escapes);
    return scan.closed === closed ? ([text.slice(offset, scan.end)] as unknown as RegExpExecArray) : null;
  };
}

/** A string `"…"` with JSON escapes, closed on its line. */
export const StringLiteral = token({
  name: 'StringLiteral',
  pattern: { exec: quoted('"', '"', true, true) },
  start_chars_hint: ['"'],
  label: 'a string',
});
/** A string with no closing quote before the end of the line. */
export const UnterminatedString = token({
  name: 'UnterminatedString',
  pattern: { exec: quoted('"', '"', true, false) },
  start_chars_hint: ['"'],
  group: 'errors',
});
export const DateTimeLiteral = token({
  name: 'DateTimeLiteral',
  pattern: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?/,
  label: 'a datetime',
});
export const DateLiteral = token({
  name: 'DateLiteral',
  pattern: /\d{4}-\d{2}-\d{2}/,
  label: 'a date',
});
export const NumberLiteral = token({
  name: 'NumberLiteral',
  pattern: /\d[\d_]*(?:\.\d[\d_]*)?(?:万|亿|%)?/,
  label: 'a number',
});

export const Arrow = token({ name: 'Arrow', pattern: /->/, label: "'->'" });
export const LessEqual = token({ name: 'LessEqual', pattern: /<=/, label: "'<='" });
export const GreaterEqual = token({ name: 'GreaterEqual', pattern: />=/, label: "'>='" });
export const NotEqual = token({ name: 'NotEqual', pattern: /!=/, label: "'!='" });
/** `==` is accepted as a common slip for `=` and reported with a hint by the checker. */
export const DoubleEqual = token({ name: 'DoubleEqual', pattern: /==/, label: "'=='" });
export const Equal = token({ name: 'Equal', pattern: /=/, label: "'='" });
export const Less = token({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = token({ name: 'Greater', pattern: />/, label: "'>'" });
export const Plus = token({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = token({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = token({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = token({ name: 'Slash', pattern: /\//, label: "'/'" });
export const LParen = token({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = token({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBrace = token({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = token({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const LBracket = token({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = token({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = token({ name: 'Comma', pattern: /,/, label: "','" });
export const Colon = token({ name: 'Colon', pattern: /:/, label: "':'" });
export const Dot = token({ name: 'Dot', pattern: /\./, label: "'.'" });
export const Question = token({ name: 'Question', pattern: /\?/, label: "'?'" });

// Full-width punctuation, common when typing Chinese, is read as its ASCII
// twin (so the parser recovers cleanly) and reported once by `parse`.
export const FullWidthColon = token({ name: 'FullWidthColon', pattern: /：/, categories: [Colon], label: "'：'" });
export const FullWidthComma = token({ name: 'FullWidthComma', pattern: /，/, categories: [Comma], label: "'，'" });
export const FullWidthLParen = token({ name: 'FullWidthLParen', pattern: /（/, categories: [LParen], label: "'（'" });
export const FullWidthRParen = token({ name: 'FullWidthRParen', pattern: /）/, categories: [RParen], label: "'）'" });
/** A string in curly quotes “…”: read as a string, reported once. */
export const CurlyQuotedString = token({
  name: 'CurlyQuotedString',
  pattern: { exec: quoted('“', '”', false, true) },
  start_chars_hint: ['“'],
  categories: [StringLiteral],
  label: 'a string',
});
/** A curly-quoted string with no closing ” before the end of the line: one error, like {@link UnterminatedString}. */
export const UnterminatedCurlyString = token({
  name: 'UnterminatedCurlyString',
  pattern: { exec: quoted('“', '”', false, false) },
  start_chars_hint: ['“'],
  group: 'errors',
});
/** Full-width tokens and the ASCII character each stands for. */
export const fullWidthTokens: ReadonlyMap<TokenType, string> = new Map([
  [FullWidthColon, ':'],
  [FullWidthComma, ','],
  [FullWidthLParen, '('],
  [FullWidthRParen, ')'],
  [CurlyQuotedString, '"…"'],
]);

/** All token types in matching order (longest and most specific first). */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  DateTimeLiteral,
  DateLiteral,
  NumberLiteral,
  Arrow,
  LessEqual,
  GreaterEqual,
  NotEqual,
  DoubleEqual,
  Equal,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  Question,
  FullWidthColon,
  FullWidthComma,
  FullWidthLParen,
  FullWidthRParen,
  CurlyQuotedString,
  UnterminatedCurlyString,
  Identifier,
  // Not matched by the lexer: names given their type by tokenize().
  ...keywordTokens,
  NameLike,
];

/** The lexer, made on first use (it takes tens of milliseconds: a process that never parses does not pay them). */
let lexer: Lexer | undefined;

function theLexer(): Lexer {
  return (lexer ??= new Lexer(allTokens as TokenType[], {
    positionTracking: 'full',
    ensureOptimizations: false,
    skipValidations: true,
  }));
}

/** What {@link tokenize} returns. */
export interface TokenizeResult {
  readonly tokens: IToken[];
  readonly comments: IToken[];
  /** Unterminated strings (straight or curly) and comments. */
  readonly badTokens: IToken[];
  /** Characters no token matches: offset and length. */
  readonly unexpected: { offset: number; length: number }[];
}

/** Split source text into tokens. Never throws. */
export function tokenize(text: string): TokenizeResult {
  const result = theLexer().tokenize(text);
  const name = Identifier.tokenTypeIdx;
  for (const token of result.tokens) {
    if (token.tokenTypeIdx !== name) continue;
    const k = keywordByText.get(token.image);
    if (k !== undefined) {
      token.tokenType = k;
      token.tokenTypeIdx = k.tokenTypeIdx!;
    }
  }
  return {
    tokens: result.tokens,
    comments: result.groups['comments'] ?? [],
    badTokens: result.groups['errors'] ?? [],
    unexpected: result.errors.map((e) => ({ offset: e.offset, length: e.length })),
  };
}
