// orteam-gateway driven by a client nobody here wrote: the official `openai` npm package, pointed
// at the gateway, which forwards to the fake OpenRouter. Checks what the client sees and what
// reached the upstream. Writes the usage the gateway should have recorded to EXPECT_FILE.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const OpenAI = require(process.env.OPENAI_MODULE);
const gateway = process.env.GATEWAY_URL;
const fake = process.env.FAKE_URL;
const client = (token) => new OpenAI({ baseURL: gateway, apiKey: token, maxRetries: 0, timeout: 15000 });
const ann = client(process.env.TOKEN_ANN);
const fay = client(process.env.TOKEN_FAY);
const ent = client(process.env.TOKEN_ENT);
const messages = [{ role: 'user', content: 'Say hello.' }];

async function upstreamRequests() {
  const r = await fetch(`${fake}/_fake/requests`);
  return (await r.json()).data;
}

let passed = 0;
async function check(name, body) {
  await body();
  passed += 1;
  console.log(`ok - ${name}`);
}

await check('non-streaming completion with attribution upstream', async () => {
  const completion = await ann.chat.completions.create({ model: 'openai/gpt-4o-mini', messages });
  assert.equal(completion.choices[0].message.content, 'Hello from openai/gpt-4o-mini.');
  assert.equal(completion.usage.cost, 0.0125);
  const last = (await upstreamRequests()).at(-1);
  assert.equal(last.authorization, 'Bearer sk-or-shared-test'); // the shared key, never the member's token
  assert.equal(last.title, 'orteam:ann');
  assert.equal(last.referer, 'https://github.com/orteam/orteam');
  assert.equal(last.body.user, 'ann');
  assert.equal(last.body.model, 'openai/gpt-4o-mini');
});

await check('streaming completion, cost in the last chunk', async () => {
  const stream = await ann.chat.completions.create({ model: 'anthropic/claude-3.5-sonnet', messages, stream: true });
  let text = '';
  let cost;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) cost = chunk.usage.cost;
  }
  assert.equal(text, 'Hello from anthropic/claude-3.5-sonnet.');
  assert.equal(cost, 0.0125);
  const last = (await upstreamRequests()).at(-1);
  assert.equal(last.body.stream, true);
  assert.equal(last.body.user, 'ann');
});

await check('a model outside the tier is downgraded to the fallback, and says so', async () => {
  const { data, response } = await fay.chat.completions
    .create({ model: 'openai/gpt-4o', messages })
    .withResponse();
  assert.equal(response.headers.get('x-orteam-model-downgraded-from'), 'openai/gpt-4o');
  assert.equal(response.headers.get('x-orteam-model'), 'google/gemma-2-9b-it:free');
  assert.equal(data.model, 'google/gemma-2-9b-it:free');
  const last = (await upstreamRequests()).at(-1);
  assert.equal(last.body.model, 'google/gemma-2-9b-it:free');
  assert.equal(last.title, 'orteam:fay');
});

await check('402 once the daily budget is spent', async () => {
  // fay's limit is $0.02: $0.0125 spent, so one more is allowed ($0.025), then no more.
  await fay.chat.completions.create({ model: 'google/gemma-2-9b-it:free', messages });
  const before = (await upstreamRequests()).length;
  await assert.rejects(fay.chat.completions.create({ model: 'google/gemma-2-9b-it:free', messages }), (e) => {
    assert.ok(e instanceof OpenAI.APIError);
    assert.equal(e.status, 402);
    assert.match(e.message, /fay has spent \$0\.03 today.*daily budget of \$0\.02/);
    return true;
  });
  assert.equal((await upstreamRequests()).length, before); // refused before it went upstream
});

await check('401 for an unknown token and for a revoked one', async () => {
  for (const token of ['orgw-not-a-token', process.env.TOKEN_REVOKED]) {
    await assert.rejects(client(token).chat.completions.create({ model: 'openai/gpt-4o-mini', messages }), (e) => {
      assert.ok(e instanceof OpenAI.AuthenticationError);
      assert.equal(e.status, 401);
      assert.equal(e.error.code, 401); // OpenRouter's error shape
      return true;
    });
  }
});

await check('an upstream error passes through unchanged', async () => {
  await assert.rejects(ent.chat.completions.create({ model: 'test/upstream-error', messages }), (e) => {
    assert.equal(e.status, 502);
    assert.equal(e.error.message, 'Provider returned error');
    assert.equal(e.error.metadata.provider_name, 'Fake');
    return true;
  });
});

await check('models lists only what the tier allows', async () => {
  const ids = [];
  for await (const m of ann.models.list()) ids.push(m.id);
  assert.deepEqual(ids.sort(), ['anthropic/claude-3.5-sonnet', 'openai/gpt-4o', 'openai/gpt-4o-mini']);
  const all = [];
  for await (const m of ent.models.list()) all.push(m.id);
  assert.ok(all.length > ids.length); // enterprise: every model
});

writeFileSync(process.env.EXPECT_FILE, JSON.stringify({
  ann: { cost: 0.025, requests: 2 },
  fay: { cost: 0.025, requests: 2 },
}));
console.log(`${passed} checks passed`);
