// The docker CLI's flag grammar (spf13/pflag, as cobra drives it), not yargs': `-itd` is three
// booleans, `-p8080:80` and `--name=web` carry their value, `--` ends the flags, and a command
// that runs something (run, exec) stops reading flags at its first argument (the image, the
// container): everything after it belongs to the container's command.

export type FlagKind = 'bool' | 'string' | 'list';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string | undefined;
  readonly kind: FlagKind;
  /** One line for `--help`. */
  readonly help: string;
  /** Docker takes it and nslab has nothing to do for it (a TTY, a pull policy): accepted, ignored. */
  readonly inert?: boolean | undefined;
}

export type FlagValues = Readonly<Record<string, boolean | string | readonly string[]>>;

export interface Parsed {
  readonly flags: FlagValues;
  readonly args: readonly string[];
}

/** A flag the command does not know, or one missing its value: Docker's usage error (exit 125). */
export class FlagError extends Error {}

const BOOL_VALUES: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false, t: true, f: false, TRUE: true, FALSE: false, True: true, False: false };

/**
 * Parses argv as pflag does. `interspersed: false` stops at the first non-flag (`docker run
 * [OPTIONS] IMAGE [COMMAND] [ARG...]`); otherwise flags may follow arguments.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], options: { interspersed: boolean }): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: Record<string, boolean | string | string[]> = {};
  const args: string[] = [];
  const set = (spec: FlagSpec, value: string | boolean) => {
    if (spec.kind === 'list') flags[spec.name] = [...((flags[spec.name] as string[] | undefined) ?? []), String(value)];
    else flags[spec.name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (spec.kind === 'bool') {
        if (eq < 0) set(spec, true);
        else {
          const v = BOOL_VALUES[a.slice(eq + 1)];
          if (v === undefined) throw new FlagError(`invalid argument "${a.slice(eq + 1)}" for "--${name}" flag: strconv.ParseBool: parsing "${a.slice(eq + 1)}": invalid syntax`);
          set(spec, v);
        }
      } else if (eq >= 0) set(spec, a.slice(eq + 1));
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        set(spec, argv[++i]!);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // A bundle of shorthands: each boolean in turn, until one that takes a value, which takes
      // the rest of the word (or the next word).
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = byShort.get(c);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        if (spec.kind === 'bool') {
          if (a[j + 1] === '=') {
            const v = BOOL_VALUES[a.slice(j + 2)];
            if (v === undefined) throw new FlagError(`invalid argument "${a.slice(j + 2)}" for "-${c}, --${spec.name}" flag: strconv.ParseBool: parsing "${a.slice(j + 2)}": invalid syntax`);
            set(spec, v);
            break;
          }
          set(spec, true);
          continue;
        }
        const rest = a.slice(j + 1).replace(/^=/, '');
        if (rest) set(spec, rest);
        else if (i + 1 < argv.length) set(spec, argv[++i]!);
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        break;
      }
      continue;
    }
    args.push(a);
    if (!options.interspersed) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  return { flags, args };
}

export const flagString = (f: FlagValues, name: string): string | undefined => (typeof f[name] === 'string' ? (f[name] as string) : undefined);
export const flagBool = (f: FlagValues, name: string): boolean => f[name] === true;
export const flagList = (f: FlagValues, name: string): string[] => {
  const v = f[name];
  return Array.isArray(v) ? [...v] : typeof v === 'string' ? [v] : [];
};
