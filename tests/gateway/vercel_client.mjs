// orteam-gateway driven by the Vercel AI SDK (`ai` with `@ai-sdk/openai`), whose default OpenAI
// provider speaks the Responses API and checks every answer and event against its own schemas:
// generateText and streamText over /responses, the chat and legacy completion models, embedMany,
// a refusal as the SDK's APICallError, and an answer without a cost. Writes what the gateway
// should have charged to EXPECT_FILE.
import assert from 'node:assert/strict';
import {
  check, expectAttributed, expectBudget, expectLookedUp, finish, gateway, headerOf, load, tokens,
} from './clients_common.mjs';

const { generateText, streamText, embedMany, APICallError } = load('ai');
const { createOpenAI } = load('@ai-sdk/openai');
const provider = (token) => createOpenAI({ baseURL: gateway, apiKey: token });
const val = provider(tokens.val); // enterprise with a $5 daily limit
const prompt = 'Say hello.';

await check('generateText over the Responses API: the text, the usage, attribution, budget headers', async () => {
  const result = await generateText({ model: val('openai/gpt-4o'), prompt, maxRetries: 0 });
  assert.equal(result.text, 'Hello from openai/gpt-4o.');
  assert.equal(result.finishReason, 'stop');
  assert.equal(result.usage.inputTokens, 12);
  assert.equal(result.usage.outputTokens, 5);
  assert.equal(result.usage.raw.cost, 0.0125);
  expectBudget(headerOf(result.response.headers), 5, 0);
  await expectAttributed('val', '/responses', 'openai/gpt-4o');
});

await check('streamText over the Responses API: the deltas joined, the usage at the end', async () => {
  const result = streamText({ model: val('openai/gpt-4o-mini'), prompt, maxRetries: 0 });
  let text = '';
  for await (const delta of result.textStream) text += delta;
  assert.equal(text, 'Hello from openai/gpt-4o-mini.');
  const usage = await result.usage;
  assert.equal(usage.outputTokens, 5);
  assert.equal(usage.raw.cost, 0.0125);
  expectBudget(headerOf((await result.response).headers), 5, 0.0125);
  const last = await expectAttributed('val', '/responses', 'openai/gpt-4o-mini');
  assert.equal(last.body.stream, true);
});

await check('the chat completions and legacy completions models', async () => {
  const chat = await generateText({ model: val.chat('openai/gpt-4o-mini'), prompt, maxRetries: 0 });
  assert.equal(chat.text, 'Hello from openai/gpt-4o-mini.');
  await expectAttributed('val', '/chat/completions', 'openai/gpt-4o-mini');
  const legacy = await generateText({ model: val.completion('openai/gpt-3.5-turbo-instruct'), prompt, maxRetries: 0 });
  assert.equal(legacy.text, 'Hello from openai/gpt-3.5-turbo-instruct.');
  await expectAttributed('val', '/completions', 'openai/gpt-3.5-turbo-instruct');
});

await check('embedMany: one vector per value, in one request', async () => {
  const { embeddings, usage } = await embedMany({
    model: val.embedding('openai/text-embedding-3-small'), values: ['hello', 'world'], maxRetries: 0,
  });
  assert.equal(embeddings.length, 2);
  assert.equal(embeddings[0].length, 8);
  assert.ok(usage.tokens > 0);
  const last = await expectAttributed('val', '/embeddings', 'openai/text-embedding-3-small');
  assert.deepEqual(last.body.input, ['hello', 'world']);
});

await check('a refusal is an APICallError with the gateway\'s status and message', async () => {
  await assert.rejects(generateText({ model: provider('orgw-not-a-token')('openai/gpt-4o'), prompt, maxRetries: 0 }), (e) => {
    assert.ok(APICallError.isInstance(e), String(e));
    assert.equal(e.statusCode, 401);
    assert.match(e.message, /Unknown or revoked gateway token/);
    return true;
  });
});

await check('a streamed answer without a cost is charged from /generation', async () => {
  const result = streamText({ model: val('test/no-usage'), prompt, maxRetries: 0 });
  let text = '';
  for await (const delta of result.textStream) text += delta;
  assert.equal(text, 'Hello from test/no-usage.');
  await expectLookedUp((await result.providerMetadata).openai.responseId);
});

finish({ val: { cost: 0.0125 * 6, requests: 6 } });
