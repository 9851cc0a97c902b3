import { NslabError } from '../errors.js';
import { localize, tr } from '../text/i18n.js';
import { renderCmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { asksIpv6, resolveEnds } from '../inspect/endpoints.js';
import { readLab } from '../inspect/world.js';
import { labAdvance, labDown, labRewind, labUp, recordedModel } from '../lifecycle/lifecycle.js';
import { instanceExists, staleClaim } from '../lifecycle/state.js';
import { findLab } from '../plan/catalogue.js';
import type { Outcome } from '../plan/expectation.js';
import type { LabDefinition, LabEnv, LabModel, LabOptions } from '../plan/lab.js';
import type { Step } from '../plan/plan.js';
import { chooseStep, expectationsAt } from '../plan/steps.js';
import { renderTrace, traceHighlight } from '../trace/render.js';
import { protocolOf, trace, type TraceResult } from '../trace/trace.js';
import { verifyLab } from '../verify/verify-lab.js';
import { renderSvg } from '../view/diagram-svg.js';
import { layOut } from '../view/layout.js';
import { buildPicture, type Picture } from '../view/picture.js';
import { labTrace, labWhy } from '../guide/looks.js';
import { watched } from './watched-runner.js';

// One lab, worked from the page. Every tab talks to this one object: it alone changes the
// lab, one action at a time, and tells every tab what the lab now is. A second tab asking for
// a change while one runs is told so (409), never interleaved with it.

/** A step as the page shows it: the same words and commands as `nslab lab` prints. */
export interface StepView {
  readonly n: number;
  readonly title: string;
  readonly why: string;
  readonly docker: readonly string[];
  readonly commands: readonly string[];
  readonly checks: readonly string[];
  readonly breaks: boolean;
}

export interface StepReport {
  readonly step: number;
  readonly outcomes: readonly Outcome[];
  /** `nslab why` of a step that breaks something, as it stands right after it. */
  readonly why?: string | undefined;
  /** The step's look-around commands and what they printed, as guided mode shows them. */
  readonly looks?: readonly { readonly command: string; readonly output: string }[] | undefined;
}

export interface LabView {
  readonly lab: string;
  readonly name: string;
  readonly number: number | undefined;
  readonly title: string;
  readonly article: string | undefined;
  readonly nodes: readonly string[];
  readonly steps: readonly StepView[];
  /** Steps standing: 0 when the lab is not up. */
  readonly at: number;
  readonly busy: string | undefined;
  /** What holds at `at`, checked by packets after the last change. */
  readonly outcomes: readonly Outcome[];
  /** Each step's own checks, as they landed in the last build. */
  readonly reports: readonly StepReport[];
  /** The live picture (SVG), read from the kernel after the last change. */
  readonly svg: string | undefined;
  /** The lab's own trace (`nslab lab` shows it at the end), rendered, once the lab stands whole. */
  readonly labTrace: string | undefined;
  readonly error: { readonly error: string; readonly hint: string | undefined } | undefined;
}

export interface Progress {
  readonly step: number;
  readonly title: string;
  readonly done: number;
  readonly total: number;
  readonly line: string;
}

export interface TraceView {
  readonly text: string;
  readonly svg: string;
  readonly result: TraceResult;
}

export interface SessionEvents {
  state(view: LabView): void;
  progress(p: Progress): void;
}

/** A request that conflicts with what the lab is doing now. */
export class BusyError extends NslabError {}

export interface LabChoice {
  readonly model: LabModel;
  readonly env: LabEnv;
  readonly options: LabOptions;
}

// Every text a tab shows is in the language nslab web speaks; commands stay as they are.
const stepView = (s: Step, i: number): StepView => ({
  n: i + 1,
  title: localize(s.title),
  why: localize(s.why),
  docker: (s.docker ?? []).map(localize),
  commands: s.ops.map((o) => renderCmd(o.cmd)),
  checks: (s.checks ?? []).map((c) => localize(c.title)),
  breaks: s.diagnose !== undefined,
});

const outcomeView = (o: Outcome): Outcome => ({ ...o, title: localize(o.title), detail: localize(o.detail) });

export class LabSession {
  #def: LabDefinition;
  #choice: LabChoice;
  #at = 0;
  #busy: string | undefined;
  #settled: Promise<unknown> = Promise.resolve();
  #outcomes: Outcome[] = [];
  #reports: StepReport[] = [];
  #svg: string | undefined;
  #labTrace: string | undefined;
  #error: LabView['error'];
  readonly #runner: Runner;
  readonly #events: SessionEvents;
  readonly #choose: (lab: string) => LabChoice;
  readonly #signal: AbortSignal | undefined;

  /** `choose` builds a lab's model with the options nslab web was started with. */
  constructor(lab: string, deps: { runner: Runner; events: SessionEvents; choose: (lab: string) => LabChoice; signal?: AbortSignal | undefined }) {
    this.#runner = deps.runner;
    this.#events = deps.events;
    this.#choose = deps.choose;
    this.#signal = deps.signal;
    this.#def = findLab(lab);
    this.#choice = deps.choose(lab);
    this.#at = this.#standing();
  }

  get name(): string {
    return this.#choice.model.name;
  }

  get model(): LabModel {
    return this.#choice.model;
  }

  /** Steps the lab stands at, as its record says (a lab brought up by the CLI is picked up). */
  #standing(): number {
    const { model } = this.#choice;
    if (!instanceExists(model.name) || staleClaim(model.name) !== undefined) return 0;
    const { manifest, model: recorded } = recordedModel(model.name);
    if (manifest.id !== model.id) {
      throw new NslabError(`lab instance ${model.name} is up as lab ${manifest.id}, not ${model.id}`, { hint: `take it down first (\`nslab down ${model.name}\`), or pick another --name` });
    }
    return manifest.step ?? recorded.steps.length;
  }

  /** Resolves once no change is running (one a stop signal interrupted has rolled back). */
  idle(): Promise<void> {
    return this.#settled.then(() => undefined, () => undefined);
  }

  view(): LabView {
    const m = this.#choice.model;
    return {
      lab: m.id,
      name: m.name,
      number: this.#def.number,
      title: localize(m.title),
      article: this.#def.article === undefined ? undefined : localize(this.#def.article),
      nodes: Object.keys(m.nodes),
      steps: m.steps.map(stepView),
      at: this.#at,
      busy: this.#busy,
      outcomes: this.#outcomes.map(outcomeView),
      reports: this.#reports.map((r) => ({ ...r, outcomes: r.outcomes.map(outcomeView) })),
      svg: this.#svg,
      labTrace: this.#labTrace,
      error: this.#error,
    };
  }

  /** Refreshes what the page shows from the kernel (a tab that opens after a change made elsewhere). */
  async load(): Promise<LabView> {
    // A tab opening while a change runs gets the lab as it stands; the change's end reaches it over /events.
    if (this.#at > 0 && this.#svg === undefined && this.#busy === undefined) await this.#act(tr`reading the lab`, async () => undefined);
    return this.view();
  }

  /** Another lab, chosen in the page: only while nothing is built, so nothing is left behind unseen. */
  async switchTo(lab: string): Promise<LabView> {
    if (this.#busy) throw new BusyError(`lab ${this.name} is busy (${this.#busy})`, { hint: 'wait for it to finish' });
    const def = findLab(lab);
    if (def.id === this.#def.id) return this.view();
    if (this.#at > 0) throw new BusyError(`lab ${this.name} is up (at step ${this.#at}): take it down before choosing another`, { hint: 'press "Take down", or run `nslab down ' + this.name + '`' });
    const choice = this.#choose(def.id);
    this.#def = def;
    this.#choice = choice;
    this.#at = this.#standing();
    this.#outcomes = [];
    this.#reports = [];
    this.#svg = undefined;
    this.#labTrace = undefined;
    this.#error = undefined;
    this.#events.state(this.view());
    return this.load();
  }

  #step(n: unknown, flag: string): number {
    const total = this.#choice.model.steps.length;
    const step = typeof n === 'number' ? n : Number(n);
    if (!Number.isInteger(step) || step < 1 || step > total) {
      throw new NslabError(`${JSON.stringify(n)} is not a step of lab ${this.#def.id} (it has steps 1 to ${total})`, { hint: 'pick a step from the list' });
    }
    return chooseStep(this.#choice.model, { step }, flag);
  }

  /** Run (`nslab lab --from N`): stand at step N-1, then build N to the end, each step's checks as it lands. */
  runFrom(n: unknown): Promise<LabView> {
    const step = this.#step(n, '--from');
    return this.#act(tr`running from step ${step}`, async () => {
      await this.#goTo(step - 1, false);
      await this.#goTo(this.#choice.model.steps.length, true);
    });
  }

  /** Stop here (`nslab up --step N`): build through step N, or go back to it, and stop there. */
  stopAt(n: unknown): Promise<LabView> {
    const step = this.#step(n, '--step');
    return this.#act(tr`building through step ${step}`, () => this.#goTo(step, true));
  }

  /** Rewind to here (`nslab lab --rewind N`): back to how the lab stood after step N. */
  rewindTo(n: unknown): Promise<LabView> {
    const step = this.#step(n, '--rewind');
    if (step > this.#at) return Promise.reject(new NslabError(`lab ${this.name} stands at step ${this.#at}: it cannot rewind forward to step ${step}`, { hint: 'use "Stop here" to build on' }));
    return this.#act(tr`rewinding to step ${step}`, () => this.#goTo(step, false));
  }

  down(): Promise<LabView> {
    if (this.#at === 0 && !instanceExists(this.name)) return Promise.reject(new NslabError(`lab ${this.name} is not up`, { hint: 'build it with "Stop here" or "Run"' }));
    return this.#act(tr`taking the lab down`, async () => {
      await labDown(this.name, this.#runner);
      this.#at = 0;
      this.#reports = [];
    });
  }

  verify(): Promise<LabView> {
    this.#needUp('verify it');
    return this.#act(tr`verifying by packets`, async () => undefined);
  }

  /** `nslab trace` from the page: one packet, its hops, and the picture with its path drawn. */
  async trace(from: unknown, to: unknown, port: unknown): Promise<TraceView> {
    this.#needUp('trace a packet');
    if (typeof from !== 'string' || typeof to !== 'string' || !from || !to) throw new NslabError('a trace needs a from and a to', { hint: 'pick a node to start from, and a node or an address to go to' });
    const p = port === undefined || port === null || port === '' ? undefined : Number(port);
    if (p !== undefined && (!Number.isInteger(p) || p < 1 || p > 65535)) throw new NslabError(`port ${JSON.stringify(port)} is not a port number (1 to 65535)`, { hint: 'leave it empty for a ping' });
    let view: TraceView | undefined;
    await this.#act(tr`tracing ${from} -> ${to}`, async () => {
      const world = await readLab(this.#runner, this.name, { ipv6: asksIpv6(to) });
      const ends = resolveEnds(world, this.name, from, to);
      const result = await trace(this.#runner, world, { from: ends.from, to: ends.dst, protocol: protocolOf(p, false), port: p });
      const picture = this.#picture(world);
      const highlight = traceHighlight(picture, [...result.request, ...result.reply]);
      view = { text: renderTrace(result), result, svg: renderSvg(picture, await layOut(picture), `trace ${from} -> ${ends.dst}${p ? `:${p}` : ''}`, highlight) };
    }, { keepPicture: true });
    return view!;
  }

  #needUp(what: string): void {
    if (this.#at === 0) throw new NslabError(`lab ${this.name} is not up: there is nothing to ${what}`, { hint: 'build it first with "Stop here" or "Run"' });
  }

  /** Brings the lab to `to` steps: up, on, or back; `report` collects each new step's checks. */
  async #goTo(to: number, report: boolean): Promise<void> {
    const { model, env, options } = this.#choice;
    if (to === this.#at) return;
    if (to === 0) {
      await labDown(this.name, this.#runner);
      this.#at = 0;
      return;
    }
    if (to < this.#at) {
      await labRewind(this.name, to, this.#runner);
      this.#at = to;
      this.#reports = this.#reports.filter((r) => r.step <= to);
      return;
    }
    let current = this.#at + 1;
    let done = 0;
    // Every command run while a step is built is that step's progress.
    const runner = watched(this.#runner, (line) => {
      const step = model.steps[current - 1];
      if (!step) return;
      done = Math.min(done + 1, step.ops.length);
      this.#events.progress({ step: current, title: localize(step.title), done, total: step.ops.length, line });
    });
    const afterStep = async (step: Step, i: number) => {
      this.#at = i + 1;
      current = i + 2;
      done = 0;
      this.#reports = this.#reports.filter((r) => r.step < i + 1);
      if (report) {
        const outcomes = step.checks?.length ? await verifyLab(this.#runner, model, step.checks) : [];
        const why = step.diagnose ? await labWhy(this.#runner, this.name, step.diagnose) : undefined;
        const looks = step.show?.length ? (await Promise.all(step.show.map((c) => this.#runner.run(c, { allowFail: true })))).map((r) => ({ command: renderCmd(r.cmd), output: (r.stdout || r.stderr).trimEnd() })) : undefined;
        this.#reports.push({ step: i + 1, outcomes, why, looks });
      }
      this.#events.state(this.view());
    };
    const hooks = { afterStep, signal: this.#signal };
    if (this.#at === 0) await labUp(model, env, options, runner, { ...hooks, through: to });
    else await labAdvance(this.name, to, runner, hooks);
  }

  /**
   * Runs one change, alone, then reads back what every tab shows: the checks that hold now,
   * by packets, and the picture. A failure leaves the lab where the change left it (labUp and
   * labAdvance roll back) and says why.
   */
  async #act(label: string, change: () => Promise<void>, o: { keepPicture?: boolean } = {}): Promise<LabView> {
    if (this.#busy) throw new BusyError(`lab ${this.name} is busy (${this.#busy})`, { hint: 'wait for it to finish; every tab sees it when it does' });
    this.#busy = label;
    this.#error = undefined;
    this.#events.state(this.view());
    let failure: unknown;
    const changing = change();
    this.#settled = changing;
    try {
      await changing;
    } catch (err) {
      failure = err;
      this.#error = { error: (err as Error).message, hint: err instanceof NslabError ? err.hint : undefined };
    }
    try {
      // What stands may differ from what was asked if the change failed: read it again.
      this.#at = this.#standing();
      if (!o.keepPicture) await this.#look();
    } catch (err) {
      failure ??= err;
    } finally {
      this.#busy = undefined;
      this.#events.state(this.view());
    }
    if (failure) throw failure;
    return this.view();
  }

  async #look(): Promise<void> {
    const { model } = this.#choice;
    if (this.#at === 0) {
      this.#outcomes = [];
      this.#svg = undefined;
      this.#labTrace = undefined;
      return;
    }
    const standing = { ...model, steps: model.steps.slice(0, this.#at) };
    this.#outcomes = await verifyLab(this.#runner, standing, expectationsAt(model, this.#at));
    const picture = this.#picture(await readLab(this.#runner, this.name));
    this.#svg = renderSvg(picture, await layOut(picture), tr`${localize(model.title)}: at step ${this.#at} of ${model.steps.length}`);
    this.#labTrace = this.#at === model.steps.length && model.trace ? await labTrace(this.#runner, this.name, model.trace) : undefined;
  }

  /** The lab's picture, with the roles the lab gives its nodes (as `nslab lab` draws it). */
  #picture(world: Awaited<ReturnType<typeof readLab>>): Picture {
    const roles = Object.fromEntries(Object.entries(this.#choice.model.nodes).map(([k, v]) => [k, v.role]));
    return buildPicture(world, roles);
  }
}

