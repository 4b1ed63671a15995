// orteam-gateway driven by a client nobody here wrote: the official `openai` npm package (v4),
// pointed at the gateway, which forwards to the fake OpenRouter. Chat completions, the Responses
// API, embeddings and legacy completions, streamed and not; refusals; and the cost of answers that
// carry none, or that the client does not stay for. Checks what the client sees and what reached
// the upstream; writes what the gateway should have charged to EXPECT_FILE.
import assert from 'node:assert/strict';
import {
  afterSlowUsage, check, expectAttributed, expectBudget, expectLookedUp, expectScrubbed, finish, gateway, headerOf,
  leaveAfter, load, post, tokens, upstream, upstreamCount,
} from './clients_common.mjs';

const OpenAI = load('openai');
const client = (token) => new OpenAI({ baseURL: gateway, apiKey: token, maxRetries: 0, timeout: 15000 });
const ann = client(tokens.ann); // pro: $25 a day
const fay = client(tokens.fay); // free, $0.02 a day
const ent = client(tokens.ent); // enterprise: only errors, so never charged
const eve = client(tokens.eve); // enterprise: embeddings and the test models
const bob = client(tokens.bob); // basic
const messages = [{ role: 'user', content: 'Say hello.' }];

await check('non-streaming completion with attribution upstream and the budget headers', async () => {
  const { data: completion, response } = await ann.chat.completions
    .create({ model: 'openai/gpt-4o-mini', messages })
    .withResponse();
  assert.equal(completion.choices[0].message.content, 'Hello from openai/gpt-4o-mini.');
  assert.equal(completion.usage.cost, 0.0125);
  expectBudget(headerOf(response.headers), 25, 0);
  await expectAttributed('ann', '/chat/completions', 'openai/gpt-4o-mini');
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
  const last = await expectAttributed('ann', '/chat/completions');
  assert.equal(last.body.stream, true);
});

await check('a model outside the tier is downgraded to the fallback, and says so', async () => {
  const { data, response } = await fay.chat.completions
    .create({ model: 'openai/gpt-4o', messages })
    .withResponse();
  assert.equal(response.headers.get('x-orteam-model-downgraded-from'), 'openai/gpt-4o');
  assert.equal(response.headers.get('x-orteam-model'), 'google/gemma-2-9b-it:free');
  assert.equal(data.model, 'google/gemma-2-9b-it:free');
  expectBudget(headerOf(response.headers), 0.02, 0);
  await expectAttributed('fay', '/chat/completions', 'google/gemma-2-9b-it:free');
});

await check('402 once the daily budget is spent', async () => {
  // fay's limit is $0.02: $0.0125 spent, so one more is allowed ($0.025), then no more.
  await fay.chat.completions.create({ model: 'google/gemma-2-9b-it:free', messages });
  const before = await upstreamCount();
  await assert.rejects(fay.chat.completions.create({ model: 'google/gemma-2-9b-it:free', messages }), (e) => {
    assert.ok(e instanceof OpenAI.APIError);
    assert.equal(e.status, 402);
    assert.match(e.message, /fay has spent \$0\.03 today.*daily budget of \$0\.02/);
    expectBudget(headerOf(e.headers), 0.02, 0.025);
    return true;
  });
  assert.equal(await upstreamCount(), before); // refused before it went upstream
});

await check('401 for an unknown token and for a revoked one', async () => {
  for (const token of ['orgw-not-a-token', tokens.revoked]) {
    await assert.rejects(client(token).chat.completions.create({ model: 'openai/gpt-4o-mini', messages }), (e) => {
      assert.ok(e instanceof OpenAI.AuthenticationError);
      assert.equal(e.status, 401);
      assert.equal(e.error.code, 401); // OpenRouter's error shape
      return true;
    });
  }
});

await check('an upstream error passes through with its status, message and provider', async () => {
  await assert.rejects(ent.chat.completions.create({ model: 'test/upstream-error', messages }), (e) => {
    assert.equal(e.status, 502);
    assert.equal(e.error.message, 'Provider returned error');
    assert.equal(e.error.metadata.provider_name, 'Fake');
    return true;
  });
});

await check('an upstream error that repeats the shared key reaches the client without it, on every endpoint', async () => {
  const bodies = {
    '/chat/completions': { messages },
    '/completions': { prompt: 'Say hello.' },
    '/embeddings': { input: 'hello' },
    '/responses': { input: 'Say hello.' },
  };
  for (const [path, body] of Object.entries(bodies)) {
    const r = await post(path, tokens.ent, { model: 'test/leaky-error', ...body });
    const answer = await r.json();
    expectScrubbed(r.status, headerOf(r.headers), answer);
    assert.equal(answer.error.code, 400);
    assert.equal((await upstream()).data.at(-1).path, path); // it did go upstream
  }
});

await check('models lists only what the tier allows', async () => {
  const ids = [];
  for await (const m of ann.models.list()) ids.push(m.id);
  assert.deepEqual(ids.sort(), ['anthropic/claude-3.5-sonnet', 'openai/gpt-4o', 'openai/gpt-4o-mini']);
  const all = [];
  for await (const m of ent.models.list()) all.push(m.id);
  assert.ok(all.length > ids.length); // enterprise: every model
});

await check('responses, not streamed: the text, usage.cost, attribution', async () => {
  const response = await ann.responses.create({ model: 'openai/gpt-4o', input: 'Say hello.' });
  assert.equal(response.object, 'response');
  assert.equal(response.status, 'completed');
  assert.equal(response.output_text, 'Hello from openai/gpt-4o.');
  assert.equal(response.usage.cost, 0.0125);
  assert.equal(response.usage.input_tokens + response.usage.output_tokens, response.usage.total_tokens);
  await expectAttributed('ann', '/responses', 'openai/gpt-4o');
});

await check('responses, streamed: the deltas in order, then response.completed with the cost', async () => {
  const stream = ann.responses.stream({ model: 'openai/gpt-4o-mini', input: 'Say hello.' });
  const types = [];
  let text = '';
  stream.on('event', (e) => types.push(e.type));
  stream.on('response.output_text.delta', (e) => { text += e.delta; });
  const final = await stream.finalResponse();
  assert.equal(text, 'Hello from openai/gpt-4o-mini.');
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.completed');
  assert.ok(types.filter((t) => t === 'response.output_text.delta').length >= 2);
  assert.equal(final.output[0].content[0].text, 'Hello from openai/gpt-4o-mini.');
  assert.equal(final.usage.cost, 0.0125);
  const last = await expectAttributed('ann', '/responses', 'openai/gpt-4o-mini');
  assert.equal(last.body.stream, true);
});

await check('responses: a model outside the tier is downgraded, and says so', async () => {
  const { data, response } = await ann.responses.create({ model: 'openai/o3', input: 'Say hello.' }).withResponse();
  assert.equal(response.headers.get('x-orteam-model-downgraded-from'), 'openai/o3');
  assert.equal(response.headers.get('x-orteam-model'), 'anthropic/claude-3.5-sonnet');
  assert.equal(data.output_text, 'Hello from anthropic/claude-3.5-sonnet.');
  await expectAttributed('ann', '/responses', 'anthropic/claude-3.5-sonnet');
});

await check('embeddings: one vector per input, the same vector for the same input', async () => {
  // The SDK asks for base64 and decodes it: the gateway passes the encoding through untouched.
  const { data, usage } = await eve.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['hello', 'world', 'hello'] });
  assert.deepEqual(data.map((d) => d.index), [0, 1, 2]);
  assert.equal(data[0].embedding.length, 8);
  assert.deepEqual(Array.from(data[0].embedding), Array.from(data[2].embedding));
  assert.notDeepEqual(Array.from(data[0].embedding), Array.from(data[1].embedding));
  assert.equal(usage.cost, 0.0125);
  await expectAttributed('eve', '/embeddings', 'openai/text-embedding-3-small');
});

await check('legacy completions, streamed and not', async () => {
  const completion = await ann.completions.create({ model: 'openai/gpt-4o-mini', prompt: 'Say hello.' });
  assert.equal(completion.choices[0].text, 'Hello from openai/gpt-4o-mini.');
  assert.equal(completion.usage.cost, 0.0125);
  await expectAttributed('ann', '/completions', 'openai/gpt-4o-mini');
  const stream = await ann.completions.create({ model: 'openai/gpt-4o-mini', prompt: 'Say hello.', stream: true });
  let text = '';
  let cost;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.text ?? '';
    if (chunk.usage) cost = chunk.usage.cost;
  }
  assert.equal(text, 'Hello from openai/gpt-4o-mini.');
  assert.equal(cost, 0.0125);
});

await check('fallback models the tier does not allow are taken out before the request goes upstream', async () => {
  const { response } = await bob.chat.completions
    .create({ model: 'openai/gpt-4o-mini', models: ['openai/gpt-4o-mini', 'openai/gpt-4o'], messages })
    .withResponse();
  assert.equal(response.headers.get('x-orteam-models-removed'), 'openai/gpt-4o');
  const last = await expectAttributed('bob', '/chat/completions', 'openai/gpt-4o-mini');
  assert.deepEqual(last.body.models, ['openai/gpt-4o-mini']);
});

await check('an answer without a cost is charged from /generation, asked again until it is there', async () => {
  const completion = await eve.chat.completions.create({ model: 'test/no-usage', messages });
  assert.equal(completion.choices[0].message.content, 'Hello from test/no-usage.');
  assert.equal(completion.usage, undefined);
  await expectLookedUp(completion.id);
});

await check('a client that hangs up right after the text is still charged', async () => {
  const read = await leaveAfter('/chat/completions', tokens.eve, { model: 'test/slow-usage', messages, stream: true },
    (soFar) => soFar.includes('Hello') && soFar.includes(' from test/slow-usage.'));
  assert.ok(!read.includes('"cost"'), 'the cost came before the client left');
  await afterSlowUsage();
});

finish({
  ann: { cost: 0.0125 * 7, requests: 7 },
  fay: { cost: 0.025, requests: 2 },
  eve: { cost: 0.0125 * 3, requests: 3 },
  bob: { cost: 0.0125, requests: 1 },
});
