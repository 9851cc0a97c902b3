import { instanceDir } from '../../../src/lifecycle/state.js';
import { describe, expect, it } from 'vitest';
import { connectLab } from '../../../labs/connect.js';
import { vethLab } from '../../../labs/veth.js';
import { chooseStep, expectationsAt, modelThrough } from '../../../src/plan/steps.js';

const connect = connectLab.build({ name: 'connect', stateDir: instanceDir('connect'), env: { brctl: false }, options: {} });
const veth = vethLab.build({ name: 'veth', stateDir: instanceDir('veth'), env: { brctl: false }, options: {} });
const titles = (es: readonly { title: string }[]) => es.map((e) => e.title);

describe('choosing a step', () => {
  it('--until matches whole words of one title, case-insensitive', () => {
    expect(chooseStep(connect, { until: 'connect' })).toBe(6);
    expect(chooseStep(connect, { until: 'DISCONNECT' })).toBe(7);
    expect(chooseStep(connect, { until: 'web on the default' })).toBe(4);
    expect(chooseStep(connect, { step: 2 })).toBe(2);
  });

  it('refuses a number out of range, no match, several matches, and both flags, listing the steps', () => {
    expect(() => chooseStep(connect, { step: 8 })).toThrow('--step 8 is not a step of lab connect (it has steps 1 to 7)');
    expect(() => chooseStep(connect, { step: 1.5 })).toThrow('is not a step');
    expect(() => chooseStep(connect, { until: 'conn' })).toThrow('no step of lab connect has "conn" in its title');
    expect(() => chooseStep(connect, { until: 'my_bridge' })).toThrow('"my_bridge" matches 4 steps of lab connect: 2, 5, 6, 7');
    expect(() => chooseStep(connect, { step: 1, until: 'web' })).toThrow('give --step or --until, not both');
  });
});

describe('what holds at a step', () => {
  it('connect after the connect step: web reaches db through eth1; the cross-bridge drop of web -> db no longer holds', () => {
    const held = titles(expectationsAt(connect, 6));
    expect(held).toContain('web -> db by name (ping db, via eth1)');
    expect(held).toContain('db -> web (172.17.0.2): other bridge, isolated');
    expect(held).not.toContain('web -> db (172.18.0.2): other bridge, isolated');
    expect(held).not.toContain('db resolves web (disconnected)');
  });

  it('a later check of the same path replaces an earlier one: red -> blue fails before the cable, reaches after, fails with an end down', () => {
    const ping = (n: number) => expectationsAt(veth, n).filter((e) => e.probe.kind === 'ping' && e.probe.from === 'red').map((e) => e.expect);
    expect(ping(1)).toEqual(['fail']);
    expect(ping(3)).toEqual(['reach']);
    expect(ping(4)).toEqual(['fail']);
  });

  it('at the last step it is the lab expectations, and modelThrough keeps only the steps applied', () => {
    expect(expectationsAt(connect, 7)).toBe(connect.expectations);
    const part = modelThrough(connect, 3);
    expect(part.steps).toHaveLength(3);
    expect(modelThrough(connect, undefined)).toBe(connect);
  });
});
