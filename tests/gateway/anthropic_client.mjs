// orteam-gateway driven by the official Anthropic SDK (@anthropic-ai/sdk) over the Messages API,
// as Claude Code and Anthropic-format tools use it: the gateway token as an API key (x-api-key)
// or as a bearer token, streamed and not; refusals in Anthropic's error shape, which the SDK
// turns into its own exceptions; and the cost of answers that carry none, or that the client
// leaves early. Writes what the gateway should have charged to EXPECT_FILE.
import assert from 'node:assert/strict';
import {
  afterSlowUsage, check, expectAttributed, expectBudget, expectLookedUp, expectScrubbed, finish, gatewayOrigin,
  headerOf, load, post, tokens, upstreamCount,
} from './clients_common.mjs';

const Anthropic = load('@anthropic-ai/sdk');
const baseURL = `${gatewayOrigin}/api`; // the SDK appends /v1/messages
// apiKey sends x-api-key; authToken sends Authorization: Bearer. null keeps ANTHROPIC_* from the
// environment out of it.
const withKey = (token) => new Anthropic({ baseURL, apiKey: token, authToken: null, maxRetries: 0, timeout: 15000 });
const withBearer = (token) => new Anthropic({ baseURL, apiKey: null, authToken: token, maxRetries: 0, timeout: 15000 });
const amy = withKey(tokens.amy); // pro: $25 a day
const kim = withKey(tokens.kim); // free, $0.01 a day
const ada = withKey(tokens.ada); // enterprise: the test models
const ask = (model, extra = {}) => ({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }], ...extra });

await check('messages with the token as an API key: the text, usage.cost, attribution, budget headers', async () => {
  const { data: message, response } = await amy.messages.create(ask('anthropic/claude-3.5-sonnet')).withResponse();
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.equal(message.content[0].text, 'Hello from anthropic/claude-3.5-sonnet.');
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.cost, 0.0125);
  expectBudget(headerOf(response.headers), 25, 0);
  const last = await expectAttributed('amy', '/messages', 'anthropic/claude-3.5-sonnet');
  assert.equal(last.body.max_tokens, 64);
});

await check('messages streamed, with the token as a bearer token: the text, then message_delta with the cost', async () => {
  const stream = withBearer(tokens.amy).messages.stream(ask('anthropic/claude-3.5-sonnet'));
  const types = [];
  let cost;
  let text = '';
  stream.on('streamEvent', (e) => {
    types.push(e.type);
    if (e.type === 'message_delta') cost = e.usage.cost;
  });
  stream.on('text', (delta) => { text += delta; });
  const message = await stream.finalMessage();
  assert.equal(text, 'Hello from anthropic/claude-3.5-sonnet.');
  assert.equal(message.content[0].text, text);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.output_tokens, 5);
  assert.deepEqual([types[0], types.at(-2), types.at(-1)], ['message_start', 'message_delta', 'message_stop']);
  assert.equal(cost, 0.0125);
  const last = await expectAttributed('amy', '/messages');
  assert.equal(last.body.stream, true);
});

await check('a model outside the tier is downgraded to the fallback, and says so', async () => {
  const { data, response } = await amy.messages.create(ask('anthropic/claude-sonnet-4')).withResponse();
  assert.equal(response.headers.get('x-orteam-model-downgraded-from'), 'anthropic/claude-sonnet-4');
  assert.equal(response.headers.get('x-orteam-model'), 'anthropic/claude-3.5-sonnet');
  assert.equal(data.model, 'anthropic/claude-3.5-sonnet');
  await expectAttributed('amy', '/messages', 'anthropic/claude-3.5-sonnet');
});

await check('401 in Anthropic\'s shape for an unknown token and a revoked one, as a key or a bearer token', async () => {
  for (const client of [withKey('orgw-not-a-token'), withBearer('orgw-not-a-token'), withKey(tokens.revoked)]) {
    await assert.rejects(client.messages.create(ask('anthropic/claude-3.5-sonnet')), (e) => {
      assert.ok(e instanceof Anthropic.AuthenticationError, String(e));
      assert.equal(e.status, 401);
      assert.equal(e.error.type, 'error');
      assert.equal(e.error.error.type, 'authentication_error');
      return true;
    });
  }
});

await check('402 in Anthropic\'s shape once the daily budget is spent', async () => {
  // kim's limit is $0.01: the first request is allowed ($0.0125 spent), the next is not.
  const { response } = await kim.messages.create(ask('google/gemma-2-9b-it:free')).withResponse();
  expectBudget(headerOf(response.headers), 0.01, 0);
  const before = await upstreamCount();
  await assert.rejects(kim.messages.create(ask('google/gemma-2-9b-it:free')), (e) => {
    assert.ok(e instanceof Anthropic.APIError, String(e));
    assert.equal(e.status, 402);
    assert.equal(e.error.error.type, 'billing_error');
    assert.match(e.error.error.message, /kim has spent \$0\.01 today.*daily budget of \$0\.01/);
    return true;
  });
  assert.equal(await upstreamCount(), before);
});

await check('an upstream error passes through in Anthropic\'s shape', async () => {
  await assert.rejects(ada.messages.create(ask('test/upstream-error')), (e) => {
    assert.ok(e instanceof Anthropic.InternalServerError, String(e));
    assert.equal(e.status, 502);
    assert.equal(e.error.type, 'error');
    assert.equal(e.error.error.type, 'api_error');
    assert.equal(e.error.error.message, 'Provider returned error');
    return true;
  });
});

await check('an upstream error that repeats the shared key reaches the client without it', async () => {
  const r = await post('/messages', tokens.ada, ask('test/leaky-error'), { apiKey: true });
  const answer = await r.json();
  expectScrubbed(r.status, headerOf(r.headers), answer);
  assert.equal(answer.type, 'error');
  assert.equal(answer.error.type, 'invalid_request_error');
});

await check('answers without a cost, streamed and not, are charged from /generation', async () => {
  const message = await ada.messages.create(ask('test/no-usage'));
  assert.equal(message.content[0].text, 'Hello from test/no-usage.');
  assert.equal(message.usage.cost, undefined);
  await expectLookedUp(message.id);
  let id;
  let text = '';
  for await (const e of await ada.messages.create(ask('test/no-usage', { stream: true }))) {
    if (e.type === 'message_start') id = e.message.id;
    if (e.type === 'content_block_delta') text += e.delta.text;
    if (e.type === 'message_delta') assert.equal(e.usage.cost, undefined);
  }
  assert.equal(text, 'Hello from test/no-usage.');
  await expectLookedUp(id);
});

await check('a client that leaves right after the text is still charged', async () => {
  const stream = ada.messages.stream(ask('test/slow-usage'));
  let text = '';
  let cost;
  stream.on('streamEvent', (e) => {
    if (e.type === 'message_delta') cost = e.usage.cost;
  });
  stream.on('text', (delta) => {
    text += delta;
    if (text === 'Hello from test/slow-usage.') stream.abort();
  });
  await assert.rejects(stream.finalMessage(), Anthropic.APIUserAbortError);
  assert.equal(text, 'Hello from test/slow-usage.');
  assert.equal(cost, undefined); // it left before the cost
  await afterSlowUsage();
});

finish({
  amy: { cost: 0.0125 * 3, requests: 3 },
  kim: { cost: 0.0125, requests: 1 },
  ada: { cost: 0.0125 * 3, requests: 3 },
});
