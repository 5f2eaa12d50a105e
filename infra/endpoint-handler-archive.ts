import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stage } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';

const PACKAGER = fileURLToPath(new URL('./endpoints/package.py', import.meta.url));

/** Archives built in this process, by handler (the sources do not change while it runs). */
const built = new Map<EndpointHandler, string>();

/** Runs infra/endpoints/package.py once per handler and process, into `parent` (the cloud assembly); returns the archive's path. */
function packagedArchive(handler: EndpointHandler, parent: string): string {
  let archive = built.get(handler);
  if (archive === undefined || !existsSync(archive)) {
    const out = join(parent, 'endpoint-handlers');
    mkdirSync(out, { recursive: true });
    archive = execFileSync(process.env.PYTHON ?? 'python3', [PACKAGER, handler, '--out', out], { encoding: 'utf8' }).trim();
    built.set(handler, archive);
  }
  return archive;
}

/** Which handler of infra/endpoints/ to package. */
export type EndpointHandler = 'generator' | 'scorer';

/**
 * The `model.tar.gz` of one GPU handler (infra/endpoints/package.py: the code under `code/`, no weights;
 * the handler loads its models from the Hugging Face Hub at start-up), built at synth time with python3 and
 * uploaded by `cdk deploy` as a file asset. The archive is reproducible, so the asset hash (and the model)
 * changes only when the handler's sources do.
 */
export class EndpointHandlerArchive extends Construct {
  readonly asset: Asset;

  constructor(scope: Construct, id: string, props: { readonly handler: EndpointHandler }) {
    super(scope, id);
    // built beside the assembly it goes into, so removing cdk.out removes it too
    const outdir = Stage.of(this)?.outdir ?? tmpdir();
    this.asset = new Asset(this, 'Asset', { path: packagedArchive(props.handler, outdir) });
  }

  /** `s3://…` URL of the uploaded archive. */
  get s3Url(): string {
    return this.asset.s3ObjectUrl;
  }

  /** ARN of the uploaded archive object (what the model's role may read). */
  get objectArn(): string {
    return this.asset.bucket.arnForObjects(this.asset.s3ObjectKey);
  }
}
