export * from './diff';
export * from './history';
export { SnapshotCursor, lineKey } from './lines';
