import type { Entity, Relationship } from './types';

/**
 * The graph being built during one run. Collectors add objects through their context; later
 * collectors (those that declare a dependency) read what earlier ones produced.
 */
export class GraphStore {
  private readonly entities = new Map<string, Entity>();
  private readonly relationships = new Map<string, Relationship>();
  private readonly entitiesByType = new Map<string, Entity[]>();

  /** Adds an entity; a second entity with the same key replaces the first and is reported. */
  addEntity(entity: Entity): boolean {
    const existing = this.entities.get(entity._key);
    this.entities.set(entity._key, entity);
    if (existing) {
      const list = this.entitiesByType.get(existing._type);
      if (list) list.splice(list.indexOf(existing), 1);
    }
    let list = this.entitiesByType.get(entity._type);
    if (!list) this.entitiesByType.set(entity._type, (list = []));
    list.push(entity);
    return existing === undefined;
  }

  addRelationship(relationship: Relationship): boolean {
    const isNew = !this.relationships.has(relationship._key);
    this.relationships.set(relationship._key, relationship);
    return isNew;
  }

  getEntity(key: string): Entity | undefined {
    return this.entities.get(key);
  }

  hasEntity(key: string): boolean {
    return this.entities.has(key);
  }

  getRelationship(key: string): Relationship | undefined {
    return this.relationships.get(key);
  }

  entitiesOfType(type: string): readonly Entity[] {
    return this.entitiesByType.get(type) ?? [];
  }

  allEntities(): IterableIterator<Entity> {
    return this.entities.values();
  }

  allRelationships(): IterableIterator<Relationship> {
    return this.relationships.values();
  }

  removeRelationship(key: string): void {
    this.relationships.delete(key);
  }

  get entityCount(): number {
    return this.entities.size;
  }

  get relationshipCount(): number {
    return this.relationships.size;
  }
}
