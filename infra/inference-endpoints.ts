import { Construct } from 'constructs';
import { EndpointHandlerArchive } from './endpoint-handler-archive.js';
import { type EndpointImage, InferenceEndpoint, type InferenceEndpointProps } from './inference-endpoint.js';

/** AWS Deep Learning Containers' registry in most commercial regions (override the ImageRegistry parameters elsewhere). */
export const DLC_REGISTRY = '763104351884';

/** The Hugging Face PyTorch inference container the GPU handlers of infra/endpoints/ are written for. */
const HF_PYTORCH_GPU: EndpointImage = { registry: DLC_REGISTRY, repository: 'huggingface-pytorch-inference', tag: '2.6.0-transformers4.51.3-gpu-py312-cu124-ubuntu22.04' };
const HF_PYTORCH_CPU: EndpointImage = { registry: DLC_REGISTRY, repository: 'huggingface-pytorch-inference', tag: '2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04' };
/** Large Model Inference (vLLM) container: OpenAI-compatible chat requests, as the OPT2I reviser sends. */
const LMI: EndpointImage = { registry: DLC_REGISTRY, repository: 'djl-inference', tag: '0.35.0-lmi17.0.0-cu128' };

/** The reward models the scorer endpoint serves by default (the SageMaker backend's production scorers). */
export const DEFAULT_SCORER_MODELS = 'pickscore,hpsv2,imagereward,clipscore,aesthetic';

/** The four roles a SageMaker deployment needs. */
export type EndpointRole = 'generator' | 'scorer' | 'promptist' | 'llm';

/** Options of the endpoint set. */
export interface InferenceEndpointsProps {
  /** Endpoint names are `<namePrefix>-generator`, `-scorer`, `-promptist`, `-llm`. */
  readonly namePrefix: string;
  readonly scaleToZero: boolean;
  /** Per endpoint, replaces any default of `defaultEndpointSettings`. */
  readonly overrides?: Partial<Record<EndpointRole, Partial<EndpointSettings>>>;
}

/** What a caller may change per endpoint (the rest is fixed by the role). */
export type EndpointSettings = Pick<
  InferenceEndpointProps,
  'image' | 'instanceType' | 'initialInstanceCount' | 'minCapacity' | 'maxCapacity' | 'targetInvocationsPerMinute' | 'acceleratorsPerCopy' | 'memoryPerCopyMb' | 'startupTimeoutSeconds'
>;

/** The defaults of each endpoint: GPU instances with one A10G for the image models and the LLM, a CPU instance for Promptist (GPT-2 sized). */
export function defaultEndpointSettings(scaleToZero: boolean): Record<EndpointRole, EndpointSettings> {
  const floor = scaleToZero ? 0 : 1;
  return {
    generator: { image: HF_PYTORCH_GPU, instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, minCapacity: floor, maxCapacity: 4, targetInvocationsPerMinute: 6, acceleratorsPerCopy: 1, memoryPerCopyMb: 8192, startupTimeoutSeconds: 1800 },
    scorer: { image: HF_PYTORCH_GPU, instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, minCapacity: floor, maxCapacity: 4, targetInvocationsPerMinute: 30, acceleratorsPerCopy: 1, memoryPerCopyMb: 8192, startupTimeoutSeconds: 1800 },
    promptist: { image: HF_PYTORCH_CPU, instanceType: 'ml.m5.xlarge', initialInstanceCount: 1, minCapacity: floor, maxCapacity: 2, targetInvocationsPerMinute: 60, acceleratorsPerCopy: 0, memoryPerCopyMb: 4096, startupTimeoutSeconds: 900 },
    llm: { image: LMI, instanceType: 'ml.g5.2xlarge', initialInstanceCount: 1, minCapacity: floor, maxCapacity: 2, targetInvocationsPerMinute: 10, acceleratorsPerCopy: 1, memoryPerCopyMb: 16384, startupTimeoutSeconds: 1800 },
  };
}

/**
 * The generator, scorer, Promptist and LLM endpoints. The generator and scorer run diffalign's own handlers
 * (infra/endpoints/, packaged at synth time) on the Hugging Face PyTorch container; Promptist runs the
 * stock container's text-generation task and the OPT2I reviser an LMI (vLLM) container, both straight
 * from the Hub. Every model loads its weights from the Hub at start-up, so the endpoints need outbound
 * internet (no VPC is configured).
 */
export class InferenceEndpoints extends Construct {
  readonly generator: InferenceEndpoint;
  readonly scorer: InferenceEndpoint;
  readonly promptist: InferenceEndpoint;
  readonly llm: InferenceEndpoint;

  constructor(scope: Construct, id: string, props: InferenceEndpointsProps) {
    super(scope, id);
    const defaults = defaultEndpointSettings(props.scaleToZero);
    const settings = (role: EndpointRole): EndpointSettings => ({ ...defaults[role], ...props.overrides?.[role] });
    const common = (role: EndpointRole, label: string) => ({ ...settings(role), label, endpointName: `${props.namePrefix}-${role}`, scaleToZero: props.scaleToZero });
    // one model copy per GPU: the toolkit's default is one worker per GPU, pinned so a change of instance type cannot load the pipeline twice
    const oneWorker = { SAGEMAKER_MODEL_SERVER_WORKERS: '1' };
    this.generator = new InferenceEndpoint(this, 'Generator', {
      ...common('generator', 'Generator'),
      handlerArchive: new EndpointHandlerArchive(this, 'GeneratorHandler', { handler: 'generator' }),
      environment: oneWorker,
      modelSetting: { parameter: 'HubModel', variable: 'DIFFALIGN_GENERATOR_MODEL', defaultValue: 'stable-diffusion-v1-5/stable-diffusion-v1-5', description: 'Diffusers pipeline the generator loads from the Hub' },
    });
    this.scorer = new InferenceEndpoint(this, 'Scorer', {
      ...common('scorer', 'Scorer'),
      handlerArchive: new EndpointHandlerArchive(this, 'ScorerHandler', { handler: 'scorer' }),
      environment: oneWorker,
      modelSetting: { parameter: 'Models', variable: 'DIFFALIGN_SCORER_MODELS', defaultValue: DEFAULT_SCORER_MODELS, description: 'Reward models the scorer serves, comma-separated (the API uses the same list)' },
    });
    this.promptist = new InferenceEndpoint(this, 'Promptist', {
      ...common('promptist', 'Promptist'),
      environment: { HF_TASK: 'text-generation' },
      modelSetting: { parameter: 'HubModel', variable: 'HF_MODEL_ID', defaultValue: 'microsoft/Promptist', description: 'Prompt rewriter the container loads from the Hub' },
    });
    this.llm = new InferenceEndpoint(this, 'Llm', {
      ...common('llm', 'Llm'),
      environment: { OPTION_ROLLING_BATCH: 'vllm', OPTION_MAX_MODEL_LEN: '8192', TENSOR_PARALLEL_DEGREE: 'max' },
      modelSetting: { parameter: 'HubModel', variable: 'HF_MODEL_ID', defaultValue: 'Qwen/Qwen2.5-7B-Instruct', description: 'Chat model (OPT2I reviser) the LMI container loads from the Hub' },
    });
  }

  /** The four endpoints, in a fixed order. */
  get all(): readonly InferenceEndpoint[] {
    return [this.generator, this.scorer, this.promptist, this.llm];
  }
}
