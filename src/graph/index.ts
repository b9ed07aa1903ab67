export * from './types';
export * from './convert';
export * from './schema';
export * from './validate';
export * from './store';
export * from './mapped';
export * from './service-entities';
export * from './spill';
