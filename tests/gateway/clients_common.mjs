// What the client tests (openai_client.mjs, anthropic_client.mjs, vercel_client.mjs) share: the
// packages from the node_modules run_openai_test.sh names, the members' tokens, the fake
// OpenRouter's record of what reached it, and the checks every endpoint must pass the same way.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run_openai_test.sh sets it)`);
  return value;
}

// The packages live outside the source tree (installer/dev.sh installs tests/gateway/package.json
// into the user's cache), so they are loaded from there, not from beside this file.
const requireInstalled = createRequire(`${env('NODE_MODULES')}/`);
export const load = (name) => requireInstalled(name);

export const gatewayOrigin = env('GATEWAY_ORIGIN'); // http://127.0.0.1:PORT
export const gateway = `${gatewayOrigin}/api/v1`;
export const sharedKey = env('SHARED_KEY');
export const tokens = JSON.parse(readFileSync(env('TOKENS_FILE'), 'utf8')); // member → orgw- token
const fake = env('FAKE_URL');
export const referer = 'https://github.com/orteam/orteam';

export async function upstream() {
  const r = await fetch(`${fake}/_fake/requests`);
  return r.json(); // { data: [inference requests, in order], generation_lookups: [ids] }
}

export async function upstreamCount() {
  return (await upstream()).data.length;
}

// The last request that reached the fake was `member`'s, on `path`, sent with the shared key and
// the member's attribution, never with the member's own token.
export async function expectAttributed(member, path, model) {
  const last = (await upstream()).data.at(-1);
  assert.equal(last.path, path);
  assert.equal(last.authorization, `Bearer ${sharedKey}`);
  assert.equal(last.api_key, '');
  assert.equal(last.title, `orteam:${member}`);
  assert.equal(last.referer, referer);
  if (path === '/messages') assert.equal(last.body.metadata.user_id, member);
  else assert.equal(last.body.user, member);
  if (model) assert.equal(last.body.model, model);
  return last;
}

// One header by its lower-case name, from what the SDKs hand out: a fetch Headers or a plain object.
export const headerOf = (headers) => (name) =>
  typeof headers?.get === 'function' ? headers.get(name) : (headers?.[name] ?? null);

// The budget headers on an answer to a member with a daily limit: what was left before this
// request (never below 0), and the next 00:00 UTC.
export function expectBudget(header, limit, spentBefore) {
  assert.equal(Number(header('x-orteam-budget-limit')), limit);
  const remaining = Number(header('x-orteam-budget-remaining'));
  const want = Math.max(0, limit - spentBefore);
  assert.ok(Math.abs(remaining - want) < 1e-9, `remaining ${remaining}, want ${want}`);
  const now = new Date();
  const reset = new Date(header('x-orteam-budget-reset'));
  assert.equal(reset.getTime(), Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

// An upstream error that repeated the shared key reaches the client without it, and without the
// upstream's own headers.
export function expectScrubbed(status, header, body) {
  assert.equal(status, 400);
  assert.ok(!JSON.stringify(body).includes(sharedKey), JSON.stringify(body));
  assert.equal(header('x-upstream-secret'), null);
  assert.equal(header('set-cookie'), null);
}

// A generation charged by lookup: the gateway asks /generation for it until it has a cost (the
// fake's first answer for a test/no-usage id is 404), so the id is asked for twice.
export async function expectLookedUp(id) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const asked = (await upstream()).generation_lookups.filter((x) => x === id).length;
    if (asked >= 2) break;
    assert.ok(Date.now() < deadline, `the gateway asked for ${id} ${asked} times`);
    await sleep(100);
  }
  await sleep(300); // the second answer's cost is recorded as it arrives
}

// A request as any HTTP client sends it, for what an SDK hides (headers of an error, leaving early).
export function post(path, token, body, { signal, apiKey = false } = {}) {
  const auth = apiKey ? { 'x-api-key': token } : { authorization: `Bearer ${token}` };
  return fetch(`${gateway}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
    signal,
  });
}

// Reads a streamed answer until `seen(all read so far)` holds, then hangs up; returns what it read.
export async function leaveAfter(path, token, body, seen) {
  const controller = new AbortController();
  const r = await post(path, token, body, { signal: controller.signal });
  assert.equal(r.status, 200);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let read = '';
  while (!seen(read)) {
    const { value, done } = await reader.read();
    assert.ok(!done, `the stream ended before the text: ${read}`);
    read += decoder.decode(value, { stream: true });
  }
  controller.abort();
  return read;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// test/slow-usage sends the text at once and its cost 1.5 s later: a client that leaves after the
// text must still be charged, so the gateway keeps reading. This waits past the cost.
export const afterSlowUsage = () => sleep(2500);

let passed = 0;
export async function check(name, body) {
  try {
    await body();
  } catch (e) {
    console.log(`not ok - ${name}`);
    throw e;
  }
  passed += 1;
  console.log(`ok - ${name}`);
}

// What the gateway should have charged each member of this client's, for run_openai_test.sh to
// compare with the team database.
export function finish(expected) {
  writeFileSync(env('EXPECT_FILE'), JSON.stringify(expected));
  console.log(`${passed} checks passed`);
}
