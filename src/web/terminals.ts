import { NslabError } from '../errors.js';
import { cmd } from '../exec/command.js';
import type { Runner, Terminal } from '../exec/runner.js';
import { findExercise, defaultInstance } from '../exercise/catalog.js';
import { exerciseShell } from '../exercise/transcript.js';
import { namespaceExists } from '../kernel/netns-fs.js';
import type { LabModel } from '../plan/lab.js';

// The page's terminals: a shell in a node's namespace, as `nslab exec <lab> <node>` opens
// one, on a pseudo-terminal the page's xterm.js draws. Each lives exactly as long as its
// websocket: closing the tab, or nslab web ending, hangs every one up.

export class Terminals {
  readonly #runner: Runner;
  readonly #open = new Set<Terminal>();
  /** The namespace each terminal's shell runs in, where it runs in one of the lab's. */
  readonly #inside = new Map<Terminal, string>();

  constructor(runner: Runner) {
    this.#runner = runner;
  }

  /** A shell in `node` of the running lab, or in an exercise's shell (`exercise:<id>`). */
  async open(model: LabModel, at: number, node: string, size: { cols: number; rows: number }): Promise<Terminal> {
    const ex = node.startsWith('exercise:') ? findExercise(node.slice('exercise:'.length)) : undefined;
    let shell;
    if (ex) shell = exerciseShell(ex, defaultInstance(ex));
    else {
      const n = model.nodes[node];
      if (!n) throw new NslabError(`lab ${model.name} has no node ${JSON.stringify(node)}`, { hint: `its nodes: ${Object.keys(model.nodes).join(', ')}` });
      if (at === 0 || (n.ns !== undefined && !namespaceExists(n.ns))) {
        throw new NslabError(`${node} does not exist yet: lab ${model.name} ${at === 0 ? 'is not up' : `stands at step ${at}`}`, { hint: 'build the lab to a step that creates it, then open its terminal' });
      }
      // The prompt names the node, so a learner with four terminals knows which one is which;
      // PATH is nslab's own (nslab docker and nslab compose work here).
      shell = cmd('env', [`PS1=[${node}] \\w# `, 'bash', '--norc', '--noprofile', '-i'], n.ns);
    }
    const cols = clamp(size.cols, 20, 400, 100);
    const rows = clamp(size.rows, 5, 200, 30);
    const t = await this.#runner.terminal(shell, { cols, rows });
    this.#open.add(t);
    if (shell.netns !== undefined) this.#inside.set(t, shell.netns);
    t.onExit(() => {
      this.#open.delete(t);
      this.#inside.delete(t);
    });
    return t;
  }

  close(t: Terminal): void {
    t.kill();
    this.#open.delete(t);
    this.#inside.delete(t);
  }

  /**
   * Hangs up the shells whose namespace a change took away (a rewind, a teardown): a shell
   * would keep a deleted namespace alive, unseen by \`ip netns\`, for as long as it ran.
   */
  prune(): void {
    for (const [t, ns] of this.#inside) if (!namespaceExists(ns)) this.close(t);
  }

  get count(): number {
    return this.#open.size;
  }

  closeAll(): void {
    for (const t of this.#open) t.kill();
    this.#open.clear();
    this.#inside.clear();
  }
}

const clamp = (v: unknown, lo: number, hi: number, dflt: number): number => {
  const n = Number(v);
  return Number.isInteger(n) ? Math.min(hi, Math.max(lo, n)) : dflt;
};
