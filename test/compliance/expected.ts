import { requireFramework } from '../../src/compliance';
import { allCollectors } from '../../src/services';

/**
 * What a framework's report must say on a world that gives every collected control an input, derived
 * from the declarations (the framework's inputs, the collectors' entity and enrichment types), so
 * that a new collector moves a control from NOT_EVALUATED to evaluated without editing counts here.
 */
export function expectedCoverage(frameworkId: string): { automated: number; notCollected: string[]; evaluated: number; coverage: number } {
  const produced = new Set(allCollectors().flatMap((collector) => [...collector.entities, ...(collector.enriches ?? [])].map((type) => type._type)));
  const automated = requireFramework(frameworkId).controls.filter((control) => control.mode === 'automated');
  const notCollected = automated.filter((control) => control.inputs.some((input) => !produced.has(input.type))).map((control) => control.id);
  const evaluated = automated.length - notCollected.length;
  return { automated: automated.length, notCollected, evaluated, coverage: Math.round((evaluated / automated.length) * 1000) / 10 };
}
