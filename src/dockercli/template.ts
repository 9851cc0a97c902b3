import { NslabError } from '../errors.js';
import { isGoMap } from '../inspect/go-map.js';

// Go's text/template, as far as `docker ... --format` uses it: fields and map keys, variables,
// pipelines, parentheses, if/else if/else/range/with, and the functions docker/cli adds
// (templates/templates.go: json, split, join, title, lower, upper, pad, truncate) beside Go's
// own (index, len, slice, print, printf, println, not, and, or, eq ...). The data is the JSON
// Docker prints for the same object. Docker parses with missingkey=error: a struct's missing
// field fails the command, while a key missing from a Go map (goMap) prints "<no value>".

type Value = unknown;

/**
 * A template error in docker/cli's words: "template parsing error: template: :1: ..." exits
 * 64 when the template does not parse, and 1 when it fails on the data.
 */
export class TemplateError extends NslabError {
  constructor(message: string, exitCode = 64) {
    super(`template parsing error: template: ${message}`, { exitCode });
  }
}


// --- lexing ------------------------------------------------------------------------------

/** Text, or the inside of one {{action}}, with where it starts in the template. */
interface Piece {
  readonly action: boolean;
  readonly text: string;
  readonly at: number;
}

/** A word of an action, with where it starts (Go reports 0-based byte offsets). */
interface Word {
  readonly w: string;
  readonly at: number;
}

function pieces(src: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  let trimNext = false;
  for (;;) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    let body = open + 2;
    // {{- trims the text before it, -}} the text after (the dash needs a space beside it).
    if (open >= 0 && /^-\s/.test(src.slice(body, body + 2))) {
      text = text.replace(/\s+$/, '');
      body += 1;
    }
    if (text) out.push({ action: false, text, at: i });
    if (open < 0) return out;
    const close = findClose(src, body);
    if (close < 0) throw new TemplateError(`${lineOf(src, open)}: unclosed action`);
    let inner = src.slice(body, close);
    trimNext = /\s-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -1);
    const lead = inner.length - inner.trimStart().length;
    out.push({ action: true, text: inner.trim(), at: body + lead });
    i = close + 2;
  }
}

const lineOf = (src: string, at: number): string => `:${src.slice(0, at).split('\n').length}`;

/** The `}}` that ends an action, skipping quoted strings. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`' || c === "'") {
      const end = quoteEnd(src, i);
      if (end < 0) return -1;
      i = end;
    } else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

function quoteEnd(src: string, start: number): number {
  const q = src[start];
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] === '\\' && q !== '`') i++;
    else if (src[i] === q) return i;
  }
  return -1;
}

function words(p: Piece, src: string): Word[] {
  const out: Word[] = [];
  const s = p.text;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    let j = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === '`' || c === "'") {
      j = quoteEnd(s, i) + 1;
      if (j === 0) throw new TemplateError(`${lineOf(src, p.at)}: unterminated quoted string`);
    } else if (c === ':' && s[i + 1] === '=') j = i + 2;
    else if (!'()|,='.includes(c)) while (j < s.length && !/[\s()|,=]/.test(s[j]!) && !(s[j] === ':' && s[j + 1] === '=')) j++;
    out.push({ w: s.slice(i, j), at: p.at + i });
    i = j;
  }
  return out;
}

// --- parsing -----------------------------------------------------------------------------

type Arg =
  | { readonly t: 'field'; readonly on: '.' | `$${string}`; readonly path: readonly Word[]; readonly at: number }
  | { readonly t: 'lit'; readonly value: Value }
  | { readonly t: 'fn'; readonly name: string }
  | { readonly t: 'sub'; readonly pipe: Pipe; readonly path: readonly Word[] };

interface Pipe {
  readonly decl: readonly string[];
  readonly cmds: readonly (readonly Arg[])[];
}

type Node =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'action'; readonly pipe: Pipe }
  | { readonly t: 'if' | 'with'; readonly pipe: Pipe; readonly then: readonly Node[]; readonly else: readonly Node[] }
  | { readonly t: 'range'; readonly pipe: Pipe; readonly body: readonly Node[]; readonly else: readonly Node[] };

class Parser {
  #at = 0;
  constructor(
    readonly src: string,
    readonly ps: readonly Piece[],
  ) {}

  parse(): Node[] {
    const { nodes, end } = this.#list();
    if (end) throw new TemplateError(`${lineOf(this.src, end.at)}: unexpected {{${end.text.split(/\s/)[0]}}}`);
    return nodes;
  }

  /** Nodes up to an {{else}} or {{end}}, which is returned. */
  #list(): { nodes: Node[]; end?: Piece } {
    const nodes: Node[] = [];
    while (this.#at < this.ps.length) {
      const p = this.ps[this.#at++]!;
      if (!p.action) nodes.push({ t: 'text', text: p.text });
      else if (p.text.startsWith('/*')) continue;
      else {
        const ws = words(p, this.src);
        const head = ws[0]?.w;
        if (head === undefined) throw new TemplateError(`${lineOf(this.src, p.at)}: missing value for command`);
        if (head === 'end' || head === 'else') return { nodes, end: p };
        if (head === 'if' || head === 'with' || head === 'range') nodes.push(this.#block(head, ws.slice(1), p));
        else nodes.push({ t: 'action', pipe: this.#pipe(ws, p) });
      }
    }
    return { nodes };
  }

  #block(kind: 'if' | 'with' | 'range', ws: readonly Word[], p: Piece): Node {
    if (ws.length === 0) throw new TemplateError(`${lineOf(this.src, p.at)}: missing value for ${kind}`);
    const pipe = this.#pipe(ws, p);
    const body = this.#list();
    if (!body.end) throw new TemplateError(`${lineOf(this.src, p.at)}: unexpected EOF`);
    let other: Node[] = [];
    const endWords = words(body.end, this.src);
    if (endWords[0]!.w === 'else') {
      if (endWords[1]?.w === 'if' && kind === 'if') {
        // {{else if X}} ... {{end}}: one end closes both.
        other = [this.#block('if', endWords.slice(2), body.end)];
      } else {
        const tail = this.#list();
        if (tail.end?.text !== 'end') throw new TemplateError(`${lineOf(this.src, p.at)}: expected end; found ${tail.end ? `{{${tail.end.text}}}` : 'EOF'}`);
        other = tail.nodes;
      }
    }
    return kind === 'range' ? { t: 'range', pipe, body: body.nodes, else: other } : { t: kind, pipe, then: body.nodes, else: other };
  }

  #pipe(ws: readonly Word[], p: Piece): Pipe {
    let rest = ws;
    const decl: string[] = [];
    const assign = rest.findIndex((w) => w.w === ':=' || w.w === '=');
    if (assign > 0 && rest.slice(0, assign).every((w) => w.w === ',' || w.w.startsWith('$'))) {
      decl.push(...rest.slice(0, assign).filter((w) => w.w !== ',').map((w) => w.w));
      rest = rest.slice(assign + 1);
    }
    const cmds: Arg[][] = [];
    let current: Arg[] = [];
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i]!;
      if (w.w === '|') {
        if (current.length === 0) throw new TemplateError(`${lineOf(this.src, w.at)}: missing command`);
        cmds.push(current);
        current = [];
      } else if (w.w === '(') {
        let depth = 1;
        let j = i + 1;
        for (; j < rest.length && depth > 0; j++) depth += rest[j]!.w === '(' ? 1 : rest[j]!.w === ')' ? -1 : 0;
        if (depth !== 0) throw new TemplateError(`${lineOf(this.src, w.at)}: unclosed left paren`);
        // (pipeline).Field: the field chain is a word of its own right after the paren.
        const after = rest[j];
        const path = after && after.w.startsWith('.') && after.w.length > 1 && after.at === rest[j - 1]!.at + 1 ? segments(after) : [];
        current.push({ t: 'sub', pipe: this.#pipe(rest.slice(i + 1, j - 1), p), path });
        i = path.length ? j : j - 1;
      } else current.push(this.#operand(w));
    }
    if (current.length === 0) throw new TemplateError(`${lineOf(this.src, p.at)}: missing value for command`);
    cmds.push(current);
    return { decl, cmds };
  }

  #operand(w: Word): Arg {
    const s = w.w;
    if (s.startsWith('"')) return { t: 'lit', value: JSON.parse(s) as string };
    if (s.startsWith('`')) return { t: 'lit', value: s.slice(1, -1) };
    if (s.startsWith("'")) return { t: 'lit', value: s.codePointAt(1) ?? 0 };
    if (s === 'true' || s === 'false') return { t: 'lit', value: s === 'true' };
    if (s === 'nil') return { t: 'lit', value: null };
    if (/^-?\d+(\.\d+)?$/.test(s)) return { t: 'lit', value: Number(s) };
    if (s === '.') return { t: 'field', on: '.', path: [], at: w.at };
    if (s.startsWith('.')) return { t: 'field', on: '.', path: segments(w), at: w.at };
    if (s.startsWith('$')) {
      const dot = s.indexOf('.');
      const name = (dot < 0 ? s : s.slice(0, dot)) as `$${string}`;
      return { t: 'field', on: name, path: dot < 0 ? [] : segments({ w: s.slice(dot), at: w.at + dot }), at: w.at };
    }
    if (/^[A-Za-z_]\w*$/.test(s)) {
      if (!(s in FUNCS)) throw new TemplateError(`${lineOf(this.src, w.at)}: function "${s}" not defined`);
      return { t: 'fn', name: s };
    }
    throw new TemplateError(`${lineOf(this.src, w.at)}: unexpected "${s}" in command`);
  }
}

/** `.A.B` as its segments, each with where its dot is (Go points an error at the field that failed). */
function segments(w: Word): Word[] {
  const out: Word[] = [];
  let at = w.at;
  for (const part of w.w.split('.').slice(1)) {
    out.push({ w: part, at });
    at += part.length + 1;
  }
  return out.filter((x) => x.w !== '');
}

// --- values as Go prints them ------------------------------------------------------------

const isObject = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** fmt's %v: maps as map[k:v] with sorted keys, slices as [a b], nil as <nil>. */
export function goString(v: Value): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  return String(v);
}

const truthy = (v: Value): boolean => {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
};

/** Go's Sprintf for the verbs templates use. */
function sprintf(format: string, args: readonly Value[]): string {
  let n = 0;
  return format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([vsdqtfx%])/g, (_m, flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const a = args[n++];
    let s: string;
    if (verb === 'q') s = JSON.stringify(String(a));
    else if (verb === 'f') s = Number(a).toFixed(prec === undefined ? 6 : Number(prec));
    else if (verb === 'x') s = typeof a === 'number' ? a.toString(16) : Buffer.from(String(a)).toString('hex');
    else s = goString(a);
    if (prec !== undefined && (verb === 's' || verb === 'v')) s = s.slice(0, Number(prec));
    const w = Number(width || 0);
    return flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') && verb === 'd' ? '0' : ' ');
  });
}

const FUNCS: Readonly<Record<string, (...args: Value[]) => Value>> = {
  // docker/cli's templates.basicFunctions
  json: (v) => JSON.stringify(v ?? null),
  split: (s, sep) => String(s).split(String(sep)),
  join: (list, sep) => (Array.isArray(list) ? list.map(goString).join(String(sep)) : goString(list)),
  title: (s) => String(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase()),
  lower: (s) => String(s).toLowerCase(),
  upper: (s) => String(s).toUpperCase(),
  pad: (s, left, right) => `${' '.repeat(Number(left))}${goString(s)}${' '.repeat(Number(right))}`,
  truncate: (s, n) => [...String(s)].slice(0, Number(n)).join(''),
  // Go's builtins
  index: (v, ...keys) => keys.reduce<Value>((acc, k) => (Array.isArray(acc) ? acc[Number(k)] : isObject(acc) ? acc[String(k)] : undefined), v),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : isObject(v) ? Object.keys(v).length : 0),
  slice: (v, from, to) => (Array.isArray(v) || typeof v === 'string' ? v.slice(Number(from ?? 0), to === undefined ? undefined : Number(to)) : v),
  // Sprint puts a space between operands when neither is a string.
  print: (...args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + goString(a)).join(''),
  printf: (format, ...args) => sprintf(String(format), args),
  println: (...args) => `${args.map(goString).join(' ')}\n`,
  not: (v) => !truthy(v),
  and: (...args) => args.find((a) => !truthy(a)) ?? args.at(-1),
  or: (...args) => args.find((a) => truthy(a)) ?? args.at(-1),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  html: (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
  urlquery: (s) => encodeURIComponent(String(s)),
};

// --- execution ---------------------------------------------------------------------------

/** A key a Go map lacks: printed as <no value>. */
const NO_VALUE = Symbol('no value');

interface Scope {
  readonly dot: Value;
  readonly vars: Map<string, Value>;
}

class Exec {
  constructor(readonly src: string) {}

  #fail(at: number, what: string, message: string): never {
    const before = this.src.slice(0, at);
    const line = before.split('\n').length;
    const col = at - (before.lastIndexOf('\n') + 1);
    throw new TemplateError(`:${line}:${col}: executing "" at <${what}>: ${message}`, 1);
  }

  field(on: Value, path: readonly Word[], chain: string): Value {
    let v: Value = on;
    for (const seg of path) {
      if (v === NO_VALUE || v === null || v === undefined) return NO_VALUE;
      if (!isObject(v)) this.#fail(seg.at, chain, `can't evaluate field ${seg.w} in type ${Array.isArray(v) ? '[]interface {}' : typeof v}`);
      if (seg.w in v) v = v[seg.w];
      else if (isGoMap(v)) v = NO_VALUE;
      else this.#fail(seg.at, chain, `map has no entry for key "${seg.w}"`);
    }
    return v;
  }

  arg(a: Arg, s: Scope): Value {
    switch (a.t) {
      case 'lit':
        return a.value;
      case 'fn':
        return FUNCS[a.name]!();
      case 'sub':
        return this.field(this.pipe(a.pipe, s), a.path, `(...).${a.path.map((p) => p.w).join('.')}`);
      case 'field': {
        const chain = `${a.on === '.' ? '' : a.on}.${a.path.map((p) => p.w).join('.')}`;
        if (a.on === '.') return this.field(s.dot, a.path, chain);
        if (!s.vars.has(a.on)) this.#fail(a.at, chain, `undefined variable "${a.on}"`);
        return this.field(s.vars.get(a.on), a.path, chain);
      }
    }
  }

  pipe(p: Pipe, s: Scope): Value {
    let piped: Value[] = [];
    for (const [head, ...rest] of p.cmds) {
      const args = rest.map((a) => real(this.arg(a, s)));
      piped = [head!.t === 'fn' ? FUNCS[head!.name]!(...args, ...piped) : this.arg(head!, s)];
    }
    const value = piped[0];
    if (p.decl.length === 1) s.vars.set(p.decl[0]!, real(value));
    return value;
  }

  run(nodes: readonly Node[], s: Scope, out: string[]): void {
    for (const n of nodes) {
      if (n.t === 'text') out.push(n.text);
      else if (n.t === 'action') {
        const v = this.pipe(n.pipe, s);
        if (n.pipe.decl.length === 0) out.push(v === NO_VALUE ? '<no value>' : goString(v));
      } else if (n.t === 'if' || n.t === 'with') {
        const v = real(this.pipe(n.pipe, s));
        if (!truthy(v)) this.run(n.else, s, out);
        else this.run(n.then, n.t === 'with' ? { dot: v, vars: new Map(s.vars) } : s, out);
      } else if (n.t === 'range') {
        const v = real(this.pipe({ decl: [], cmds: n.pipe.cmds }, s));
        if (v !== undefined && v !== null && typeof v !== 'object') throw new TemplateError(`:1: range can't iterate over ${goString(v)}`, 1);
        const entries: [Value, Value][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : isObject(v) ? Object.keys(v).sort().map((k) => [k, v[k]]) : [];
        if (entries.length === 0) this.run(n.else, s, out);
        for (const [k, x] of entries) {
          const vars = new Map(s.vars);
          const [first, second] = n.pipe.decl;
          if (second !== undefined) vars.set(first!, k).set(second, x);
          else if (first !== undefined) vars.set(first, x);
          this.run(n.body, { dot: x, vars }, out);
        }
      }
    }
  }
}

const real = (v: Value): Value => (v === NO_VALUE ? undefined : v);

export interface Template {
  execute(data: Value): string;
}

/** Parses a --format template; Docker parses it before it asks the daemon for anything. */
export function parseTemplate(src: string): Template {
  const nodes = new Parser(src, pieces(src)).parse();
  const exec = new Exec(src);
  return {
    execute(data) {
      const out: string[] = [];
      exec.run(nodes, { dot: data, vars: new Map([['$', data]]) }, out);
      return out.join('');
    },
  };
}
