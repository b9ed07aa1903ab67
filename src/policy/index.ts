export * from './types';
export * from './actions';
export * from './granted-actions';
export * from './split';
export * from './security-audit';
export * from './audit-policy';
export * from './trust';
export * from './cloudformation';
