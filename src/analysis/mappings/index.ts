import type { Collector } from '../../collectors/types';
import type { ServiceModule } from '../../services/types';
import { createMappingCollectors, MAPPINGS_SERVICE, type MappingOptions } from './collectors';

export { addMappedEntity, createMappingCollectors, MAPPING_COLLECTOR_IDS, MAPPINGS_SERVICE, type MappingOptions } from './collectors';
export { loadPeopleFile, checkPeople, type PersonRecord } from '../people';

/**
 * The advanced mappings (IAM permissions and trusts, instance profiles, people) as a module of the
 * registry. It is not an AWS service: it has no `aws_<service>` entity, no simulator and no demo
 * world, and its collectors call no AWS API.
 */
export function createMappingsService(services: readonly ServiceModule[]): ServiceModule {
  return {
    service: MAPPINGS_SERVICE,
    title: 'Mappings',
    serviceFunctions: [],
    collectors: createMappingCollectors(services),
    simulators: [],
  };
}

/**
 * A selection of service collectors plus the mapping collectors. These read whatever the selection
 * produces, so their dependencies are narrowed to it rather than pulling excluded services back in;
 * `exclude: ['mappings']` leaves them out. `options.people` gives the people file's entries.
 */
export function withMappings(
  selected: readonly Collector[],
  services: readonly ServiceModule[],
  selection: { exclude?: string[] } = {},
  options: MappingOptions = {},
): Collector[] {
  if (selection.exclude?.includes(MAPPINGS_SERVICE)) return [...selected];
  const chosen = new Set(selected.map((collector) => collector.id));
  const mappings = createMappingCollectors(services, options).map((collector) => ({
    ...collector,
    dependsOn: collector.dependsOn.filter((id) => chosen.has(id)),
  }));
  return [...selected, ...mappings];
}
