// The SageMaker backend's surface: the factory the runtime wires, and the wire schemas endpoint authors
// implement. The adapters themselves take the SDK client, so they (and every @aws-sdk type) stay inside.
export { createSageMakerWorld, NOMINAL_SCORER_RANGES } from './create-sagemaker-world.js';
export type { SageMakerBatchEndpointSettings, SageMakerEndpointSettings, SageMakerWorld, SageMakerWorldConfig, SageMakerWorldInternals } from './create-sagemaker-world.js';
export { SAGEMAKER_MAX_PAYLOAD_BYTES } from './payload-split.js';
export * from './wire/index.js';
