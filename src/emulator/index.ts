export type { EmulatorWorld, EndpointKind } from './emulator-models.js';
export { FAULT_KINDS, FaultInjector, faultPlanSchema, faultRuleSchema } from './fault-plan.js';
export type { FaultKind, FaultPlan, FaultRule } from './fault-plan.js';
export { createReferenceEmulatorWorld } from './reference-emulator-world.js';
export type { ReferenceEmulatorWorld } from './reference-emulator-world.js';
export { DEFAULT_EMULATOR_ENDPOINTS, SERVICE_TIME_HEADER, startSageMakerEmulator } from './sagemaker-emulator.js';
export type { EmulatorCall, SageMakerEmulator, SageMakerEmulatorOptions } from './sagemaker-emulator.js';
