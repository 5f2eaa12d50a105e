import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrl, FunctionUrlAuthType, type IFunction, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AppFunction, type AppFunctionProps } from './app-function.js';

/** Options of the API function. */
export interface ApiFunctionProps extends Omit<AppFunctionProps, 'handler' | 'description'> {
  /** The function that runs `Prefer: respond-async` generations. */
  readonly jobWorker: IFunction;
}

/**
 * The HTTP API (the `handler` export) behind a function URL in response-streaming mode, so server-sent
 * events reach the client as they happen. The URL's auth type is NONE: diffalign authenticates every
 * request itself with `Authorization: Bearer` API keys mapped to tenants (keys/ in the bucket), which IAM
 * auth (SigV4-signed requests) would not let browser and SDK clients use. CORS is answered by the app
 * (its configurable allowed origins), not by the URL, so headers are never doubled.
 */
export class ApiFunction extends Construct {
  readonly api: AppFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const { jobWorker, ...functionProps } = props;
    this.api = new AppFunction(this, 'Api', {
      ...functionProps,
      handler: 'handler',
      description: 'diffalign HTTP API (function URL, response streaming)',
      environment: { ...functionProps.environment, DIFFALIGN_JOB_FUNCTION: jobWorker.functionName },
    });
    // asynchronous invocations of the one worker function, nothing else
    this.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [jobWorker.functionArn] }));
    this.url = this.api.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.RESPONSE_STREAM });
  }
}
