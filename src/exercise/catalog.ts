import { say } from '../text/say.js';
import { NslabError } from '../errors.js';
import { bridgeExercise } from './ex-bridge.js';
import { connectExercise } from './ex-connect.js';
import { internetExercise } from './ex-internet.js';
import { publishExercise } from './ex-publish.js';
import { vethExercise } from './ex-veth.js';
import type { Exercise } from './types.js';

export const EXERCISES: readonly Exercise[] = [vethExercise, bridgeExercise, internetExercise, publishExercise, connectExercise];

/** By number or by slug: `3` and `internet` are the same exercise. */
export function findExercise(id: string): Exercise {
  const ex = EXERCISES.find((e) => e.id === id || e.slug === id);
  if (!ex) throw new NslabError(`unknown exercise ${JSON.stringify(id)}`, { hint: say`known: ${EXERCISES.map((e) => `${e.id} (${e.slug})`).join(', ')}; see \`nslab exercise list\`` });
  return ex;
}

/** Hand-built state lives in nslab-ex<id>-*, unless --name picks another instance name. */
export const defaultInstance = (ex: Exercise): string => `ex${ex.id}`;
