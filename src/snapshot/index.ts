export * from './format';
export * from './reader';
export * from './writer';
export * from './store';
export * from './diff';
export * from './digest';
export * from './previous';
export * from './timestamps';
