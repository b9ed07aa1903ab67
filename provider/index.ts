export { GraphSnapshot, type GraphSnapshotArgs } from './resource';
export { graphSnapshotProvider } from './provider';
export { createStack, settingsFromConfig, CONFIG_NAMESPACE, type OnboardingModule, type OnboardingResult } from './program';
export * from './types';
