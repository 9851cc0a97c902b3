import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { NslabError } from '../errors.js';
import SCHEMA from './compose-spec.json' with { type: 'json' };

// A compose file, read the way Compose reads it: YAML, checked against the Compose
// Specification's own JSON schema (src/compose/compose-spec.json, from compose-spec/compose-spec),
// every error with its file, line and key. Nothing here knows about networks yet.


export interface ComposeFile {
  readonly path: string;
  readonly project: string;
  readonly raw: Record<string, unknown>;
  /** Top-level and service keys that mean nothing to a network, for one summary line. */
  readonly ignored: readonly string[];
}

/** Compose's NormalizeProjectName: lowercase, only [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

/** Keys nslab acts on; everything else in a service is ignored (and named once). */
const SERVICE_KEYS = new Set(['image', 'build', 'container_name', 'hostname', 'networks', 'network_mode', 'ports', 'expose', 'extra_hosts', 'depends_on', 'command', 'tty', 'stdin_open']);
const TOP_KEYS = new Set(['name', 'services', 'networks', 'version']);

let validator: ReturnType<Ajv['compile']> | undefined;

export function loadCompose(file: string, projectFlag?: string): ComposeFile {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NslabError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'give the compose file with -f, e.g. -f compose.yaml' });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = lines.linePos(e.pos[0]);
    throw new NslabError(`${file}:${at.line}: ${e.message.split('\n')[0]}`, { hint: 'fix the YAML there; nothing was changed' });
  }
  const raw = doc.toJS() as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new NslabError(`${file}: a compose file is a mapping with services:`, { hint: 'see https://docs.docker.com/reference/compose-file/' });
  // The spec names its meta-schema by an https URL Ajv does not know; it is draft-07, Ajv's own.
  const { $schema: _meta, ...schema } = SCHEMA as Record<string, unknown>;
  validator ??= new Ajv({ allErrors: false, strict: false, validateFormats: false }).compile(schema);
  if (!validator(raw)) {
    const e = validator.errors![0]!;
    const keys = e.instancePath.split('/').slice(1).map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    const where = [...keys, ...(extra ? [extra] : [])];
    const line = lineOf(doc, where, lines) ?? lineOf(doc, keys, lines);
    const key = where.join('.') || '(top level)';
    const what = extra ? `additional property ${extra} is not allowed` : e.message ?? 'is invalid';
    throw new NslabError(`${file}${line ? `:${line}` : ''}: ${key}: ${what}`, { hint: 'the Compose Specification does not allow it; nothing was changed' });
  }
  const data = raw as Record<string, unknown>;
  const ignored = new Set<string>();
  for (const k of Object.keys(data)) if (!TOP_KEYS.has(k) && !k.startsWith('x-')) ignored.add(k);
  for (const svc of Object.values((data.services ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const k of Object.keys(svc ?? {})) if (!SERVICE_KEYS.has(k) && !k.startsWith('x-')) ignored.add(k);
  }
  const project = normalizeProjectName(projectFlag ?? (typeof data.name === 'string' ? data.name : basename(dirname(path))));
  if (!project) throw new NslabError('the project name is empty once normalised', { hint: 'give one with -p NAME (lowercase letters, digits, - and _)' });
  return { path, project, raw: data, ignored: [...ignored].sort() };
}

/** The line a key path starts on, when the document has it. */
function lineOf(doc: ReturnType<typeof parseDocument>, keys: readonly string[], lines: LineCounter): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const k of keys) {
    if (!isMap(node)) return line;
    const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === k);
    if (!pair) return line;
    const range = (pair.key as { range?: [number, number, number] }).range;
    if (range) line = lines.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}
