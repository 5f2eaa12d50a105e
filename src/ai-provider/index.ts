/**
 * `diffalign/ai-provider`: diffalign as an image model of the AI SDK (`ai`'s `generateImage`). It needs
 * only diffalign/client at run time; `@ai-sdk/provider` supplies its types (the `ai` package itself needs
 * Node ≥ 22).
 */
export { createDiffalign, diffalign, type DiffalignProvider, type DiffalignProviderSettings } from './diffalign-provider.js';
export { DiffalignImageModel, type DiffalignImageOptions } from './diffalign-image-model.js';
