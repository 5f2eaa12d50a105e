export { chatCompletionReplySchema } from './chat-completion.js';
export type { ChatCompletionBody, ChatCompletionReply } from './chat-completion.js';
export {
  GENERATOR_V1,
  generatorV1ImageSchema,
  generatorV1ItemSchema,
  generatorV1RequestSchema,
  generatorV1ResponseSchema,
  wireWarningSchema,
} from './generator-v1.js';
export type { GeneratorV1Image, GeneratorV1Item, GeneratorV1Request, GeneratorV1Response, WireWarning } from './generator-v1.js';
export {
  GENERATOR_V2,
  generatorV2ItemSchema,
  generatorV2OutputSchema,
  generatorV2RequestSchema,
  generatorV2ResponseSchema,
  samplerWireSchema,
} from './generator-v2.js';
export type { GeneratorV2Item, GeneratorV2Output, GeneratorV2Request, GeneratorV2Response } from './generator-v2.js';
export { SCORER_V1, scoreDetailV1Schema, scorerV1ItemSchema, scorerV1RequestSchema, scorerV1ResponseSchema, wireImageSchema } from './scorer-v1.js';
export type { ScorerV1Item, ScorerV1Request, ScorerV1Response, WireImage } from './scorer-v1.js';
