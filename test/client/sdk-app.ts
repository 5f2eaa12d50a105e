/**
 * An app written only against the SDK (`diffalign/client`), as an app developer would: it generates,
 * streams, submits and waits, lists, receives a webhook and sends feedback, then prints what it saw as one
 * JSON line. Run: `node --import tsx test/client/sdk-app.ts <base url> <webhook secret>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDiffalignClient, type Generation, type GenerationEvent, type GenerationWebhook } from 'diffalign/client';

const [baseUrl, webhookSecret] = process.argv.slice(2);
if (!baseUrl || !webhookSecret) throw new Error('usage: sdk-app.ts <base url> <webhook secret>');

const diffalign = createDiffalignClient({ baseUrl });

// a webhook receiver of the app's own, verifying each delivery with the SDK
const webhooks: GenerationWebhook[] = [];
const forgeries: string[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    diffalign.verifyWebhook(webhookSecret, headers, body).then(
      (message) => {
        webhooks.push(message);
        response.writeHead(204).end();
      },
      (error: Error) => {
        forgeries.push(error.name);
        response.writeHead(400).end();
      },
    );
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/diffalign`;

// 1. generate synchronously, with a webhook and a user label
const generated: Generation = await diffalign.generate({ prompt: 'a photo of a red apple', seed: 11, search: { budget: 4 }, metadata: { app_user: 'u-sdk' }, webhook_url: webhookUrl });

// 2. stream a generation
const events: GenerationEvent['event'][] = [];
let streamed: Generation | undefined;
for await (const event of diffalign.stream({ prompt: 'a photo of a green bench', seed: 12, search: { budget: 3 } })) {
  events.push(event.event);
  if (event.event === 'done') streamed = event.data;
}

// 3. submit (202) and wait by polling
const submitted = await diffalign.submit({ prompt: 'a photo of two cats', seed: 13, search: { budget: 2 }, metadata: { app_user: 'u-sdk' } });
const waited = await diffalign.wait(submitted);

// 4. list this user's generations, two a page
const pages: string[][] = [];
for await (const page of diffalign.list({ app_user: 'u-sdk', limit: 1 })) pages.push(page.data.map((record) => record.id));

// 5. send feedback about the best image
const feedback = await diffalign.sendFeedback([{ type: 'download', generation_id: generated.id, candidate_id: generated.best!.id, app_user: 'u-sdk', consent: true }]);

// 6. the webhook of the first generation (delivered after its answer)
for (let waitedMs = 0; webhooks.length === 0 && waitedMs < 20_000; waitedMs += 50) await new Promise((resolve) => setTimeout(resolve, 50));
// a forged delivery to the same receiver is refused by the SDK's verifier
await fetch(webhookUrl, { method: 'POST', headers: { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, body: '{}' });
const final = await diffalign.get(generated.id);
receiver.close();

process.stdout.write(
  `${JSON.stringify({
    generated: { id: generated.id, status: generated.status, images: generated.images.length, best: generated.best?.id },
    streamed: { events, status: streamed?.status, id: streamed?.id },
    submitted: { status: submitted.status, waited: waited.status, id: waited.id },
    pages,
    feedback: { accepted: feedback.accepted },
    webhooks: webhooks.map((message) => ({ type: message.type, id: message.data.id, status: message.data.status })),
    forgeries,
    deliveries: final.webhook_deliveries,
  })}\n`,
);
