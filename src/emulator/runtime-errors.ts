/** The emulator's account in ARNs and messages (as the runtime names the caller's account). */
export const EMULATOR_ACCOUNT = '000000000000';
export const EMULATOR_REGION = 'us-east-1';

/** An error answer as the SageMaker runtime gives it: status, `x-amzn-ErrorType` and a JSON body. */
export interface RuntimeErrorAnswer {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly body: Record<string, unknown>;
}

/** 400 ThrottlingException: the runtime answers throttling with 400 and a null message. */
export const throttling = (): RuntimeErrorAnswer => ({ status: 400, errorType: 'ThrottlingException', body: { message: null } });

export const serviceUnavailable = (): RuntimeErrorAnswer => ({ status: 503, errorType: 'ServiceUnavailable', body: { message: 'The service is unavailable. Try your call again.' } });

export const internalFailure = (): RuntimeErrorAnswer => ({ status: 500, errorType: 'InternalFailure', body: { message: 'An internal failure occurred.' } });

/** 429 ModelNotReadyException: a serverless variant still provisioning, or a multi-model endpoint still loading the model. */
export const modelNotReady = (endpoint: string): RuntimeErrorAnswer => ({
  status: 429,
  errorType: 'ModelNotReadyException',
  body: { message: `Model for endpoint ${endpoint} is not ready yet: it is still being loaded. Wait and try your request again.` },
});

export const endpointNotFound = (endpoint: string): RuntimeErrorAnswer => ({
  status: 400,
  errorType: 'ValidationError',
  body: { message: `Endpoint ${endpoint} of account ${EMULATOR_ACCOUNT} not found.` },
});

export const payloadTooLarge = (limit: number): RuntimeErrorAnswer => ({ status: 413, errorType: undefined, body: { message: `HTTP content length exceeded ${limit} bytes.` } });

export const missingAuthentication = (): RuntimeErrorAnswer => ({ status: 403, errorType: 'MissingAuthenticationTokenException', body: { message: 'Missing Authentication Token' } });

export const unknownOperation = (): RuntimeErrorAnswer => ({ status: 404, errorType: 'UnknownOperationException', body: { message: 'Unknown operation' } });

/**
 * 424 ModelError: the container answered `originalStatus`; the runtime wraps it with the original
 * status and message and where the container's logs are.
 */
export function modelError(endpoint: string, originalStatus: number, originalMessage: string): RuntimeErrorAnswer {
  const logGroup = `/aws/sagemaker/Endpoints/${endpoint}`;
  const side = originalStatus >= 400 && originalStatus < 500 ? 'client' : 'server';
  return {
    status: 424,
    errorType: 'ModelError',
    body: {
      Message: `Received ${side} error (${originalStatus}) from primary with message "${originalMessage}". See https://${EMULATOR_REGION}.console.aws.amazon.com/cloudwatch/home?region=${EMULATOR_REGION}#logEventViewer:group=${logGroup} in account ${EMULATOR_ACCOUNT} for more information.`,
      OriginalStatusCode: originalStatus,
      OriginalMessage: originalMessage,
      LogStreamArn: `arn:aws:logs:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:log-group:${logGroup}`,
    },
  };
}
