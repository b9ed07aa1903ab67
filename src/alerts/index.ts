export * from './config';
export * from './rules';
export * from './evaluate';
export * from './state';
export * from './actions';
export * from './run';
export { evaluateCondition, renderTemplate, TemplateError } from './template';
export * from './after-ingest';
