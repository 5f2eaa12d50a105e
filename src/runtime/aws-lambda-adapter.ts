// The one import of Hono's AWS Lambda adapter. `hono/aws-lambda` is deprecated in favour of the
// `@hono/aws-lambda` package (removed from hono in v5): moving is this file's import line alone.
export { streamHandle } from 'hono/aws-lambda';
export type { LambdaContext } from 'hono/aws-lambda';
