import type { Op } from '../../ops/op.js';
import { namedPriority } from '../../kernel/nft-listing.js';

// What `nft list table ip docker-bridges` would print after a plan's ops, worked out without a
// kernel, in nft's own layout (maps first, then chains, each in creation order). Counters
// print as `counter packets 0 bytes 0`, as in moby's golden files; `stableNft` folds any
// counter values, so a live listing compares with this one.

interface Chain {
  base?: string;
  rules: string[];
}

interface Table {
  maps: Map<string, { type: string; elements: string[] }>;
  chains: Map<string, Chain>;
}

export class NftModel {
  readonly #tables = new Map<string, Table>();

  #table(name: string): Table {
    const t = this.#tables.get(name);
    if (!t) throw new Error(`nft: table ${name} does not exist`);
    return t;
  }

  /** Applies one `nft` argv (without the program name) of the forms nslab writes. */
  apply(args: readonly string[]): void {
    const [verb, kind, family, tableName = '', name = '', ...rest] = args;
    const key = `${family} ${tableName}`;
    if (verb === 'add' && kind === 'table') {
      if (!this.#tables.has(key)) this.#tables.set(key, { maps: new Map(), chains: new Map() });
      return;
    }
    if (verb === 'delete' && kind === 'table') {
      this.#tables.delete(key);
      return;
    }
    const t = this.#table(key);
    const body = rest.join(' ').replace(/^\{\s*|\s*\}$/g, '');
    switch (`${verb} ${kind}`) {
      case 'add map':
        t.maps.set(name, { type: body.replace(/\s*;\s*$/, ''), elements: [] });
        return;
      case 'add chain':
        t.chains.set(name, { base: body ? namedPriority(body.replace(/ ;/g, ';')) : undefined, rules: [] });
        return;
      case 'delete chain':
        t.chains.delete(name);
        return;
      case 'add element':
        t.maps.get(name)!.elements.push(body);
        return;
      case 'delete element': {
        const m = t.maps.get(name)!;
        m.elements = m.elements.filter((e) => !e.startsWith(`${body} :`));
        return;
      }
      case 'add rule': {
        const chain = t.chains.get(name)!;
        if (rest[0] === 'index') chain.rules.splice(Number(rest[1]) + 1, 0, rest.slice(2).join(' '));
        else chain.rules.push(rest.join(' '));
        return;
      }
      default:
        return;
    }
  }

  /** What the agent's nft-delete-rule does: the rule of that text goes, wherever it is. */
  deleteRule(family: string, table: string, chain: string, text: string): void {
    const c = this.#tables.get(`${family} ${table}`)?.chains.get(chain);
    const at = c?.rules.indexOf(text) ?? -1;
    if (c && at >= 0) c.rules.splice(at, 1);
  }

  /** `nft list table <family> <name>`. */
  list(family: string, name: string): string {
    const t = this.#tables.get(`${family} ${name}`);
    if (!t) return '';
    const blocks: string[] = [];
    for (const [n, m] of t.maps) {
      const elements = m.elements.length === 0 ? [] : [`\t\telements = { ${m.elements.join(',\n\t\t\t     ')} }`];
      blocks.push([`\tmap ${n} {`, `\t\t${m.type}`, ...elements, '\t}'].join('\n'));
    }
    for (const [n, c] of t.chains) {
      const counted = c.rules.map((r) => `\t\t${r.replace(/\bcounter\b/g, 'counter packets 0 bytes 0')}`);
      blocks.push([`\tchain ${n} {`, ...(c.base ? [`\t\t${c.base}`] : []), ...counted, '\t}'].join('\n'));
    }
    return `table ${family} ${name} {\n${blocks.join('\n\n')}\n}\n`;
  }
}

/** The listing of `table` in namespace `ns` after `ops` (only nft ops count). */
export function nftListing(ops: readonly Op[], ns: string | undefined, table = 'docker-bridges', family: 'ip' | 'ip6' = 'ip'): string {
  const model = new NftModel();
  for (const op of ops) {
    if (op.cmd.netns !== ns) continue;
    if (op.cmd.file === 'nft') model.apply(op.cmd.args);
    // A rule is deleted by handle, which only the kernel knows: the agent finds it by its text.
    const del = op.cmd.args.indexOf('nft-delete-rule');
    if (del >= 0) {
      const [family = '', t = '', chain = '', text = ''] = op.cmd.args.slice(del + 1);
      model.deleteRule(family, t, chain, text);
    }
  }
  return model.list(family, table);
}
