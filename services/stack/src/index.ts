export { Stack, type StackOptions, type StackInfo, type ReplicaHandle, type ReplicaPhase } from './Stack.js';
export { startControl, runAction, STACK_ACTIONS, type StackAction } from './control.js';
export { ensureStackModel, DEFAULT_STACK_MODEL, type StackModelSpec, type PublishedModels } from './model.js';
