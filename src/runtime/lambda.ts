import { handle } from 'hono/aws-lambda';
import { createApp } from '../api/app.js';
import { loadConfig } from '../config.js';
import { createDependencies } from './create-dependencies.js';

/** AWS Lambda entry (function URL / API Gateway): the same app, built once per container. */
export const handler = handle(createApp(createDependencies(loadConfig())));
