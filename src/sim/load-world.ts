import { allSimulators, serviceModules } from '../services';
import type { World } from './types';
import { builtinWorldText, loadWorldFile, parseWorld } from './world';

/** The simulated organization: a world file, or the built-in one (`true`). */
export function loadSimulatedWorld(file: string | true): World {
  if (file === true) return parseWorld(builtinWorldText(builtinFragments()), '(built-in world)', allSimulators());
  return loadWorldFile(file, allSimulators());
}

/** The services' parts of the built-in world, in registry order. */
export function builtinFragments(): string[] {
  return serviceModules.flatMap((module) => (module.demoWorldFragment ? [module.demoWorldFragment] : []));
}
