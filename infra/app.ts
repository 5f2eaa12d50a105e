import { createDiffalignApp } from './create-app.js';

// `npm run synth` (offline, no credentials) and `cdk deploy` (cdk.json) both run this file
createDiffalignApp().app.synth();
