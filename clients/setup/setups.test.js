// The Apollo and urql set-ups README shows (apollo.js, urql.js beside this file), run as they are
// against the API (by tests/api/test_readme_clients.py): persisted queries, the cache, a
// subscription to the user's own events, and sign-out.
import { test } from "node:test";
import assert from "node:assert/strict";

import WebSocket from "ws";
import { gql } from "@apollo/client";

import { createApolloClient } from "./apollo.js";
import { createUrqlClient } from "./urql.js";

const GRAPHQL = `${process.env.API_URL}/graphql`;
const SIGN_IN = { i: process.env.IDENTIFICATION, u: process.env.USER_ID, p: process.env.PASSWORD };
const LOGIN = `mutation($i: String!, $u: String!, $p: String!) { login(identification: $i, userId: $u, password: $p) { token errors { code } } }`;
const ME = `query Me { me { id userId name } }`;
const OWN_EVENTS = `subscription OwnEvents { operatorEvents(types: [DEREGISTRATION_REQUESTED]) { type userId } }`;
const REQUEST = `mutation { requestDeregistration(reason: "Cierre de la empresa") { errors { code } } }`;
const WITHDRAW = `mutation { withdrawDeregistration { errors { code } } }`;

// What the clients send over HTTP: the set-ups use the global fetch, as in a browser.
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (String(input).startsWith(GRAPHQL)) sent.push({ url: String(input), body: init?.body ? JSON.parse(init.body) : null });
  return realFetch(input, init);
};

async function post(query, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await realFetch(GRAPHQL, { method: "POST", headers, body: JSON.stringify({ query, variables: SIGN_IN }) });
  return response.json();
}

async function signIn() {
  const answer = await post(LOGIN);
  assert.deepEqual(answer.data.login.errors, []);
  return answer.data.login.token;
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Live events only: a deregistration request (withdrawn again) once the subscriber has had time
// to listen, and again if it had not yet (an operator may change its request 10 times an hour).
async function eventsUntil(received, token, what) {
  await settle(500);
  for (const patience of [3000, 6000]) {
    assert.deepEqual((await post(REQUEST, token)).data.requestDeregistration.errors, []);
    assert.deepEqual((await post(WITHDRAW, token)).data.withdrawDeregistration.errors, []);
    const event = await Promise.race([received, settle(patience)]);
    if (event !== undefined) return event;
  }
  throw new Error(`${what}: no event`);
}

// A persisted query's first request names the query by its hash alone.
const persisted = (requests) => requests.filter((r) => r.url.includes("persistedQuery") || r.body?.extensions?.persistedQuery);

test("README's Apollo set-up: persisted queries, the cache, the user's own events, sign-out", async () => {
  const token = await signIn();
  let signedOut = null;
  const client = createApolloClient({ url: GRAPHQL, token, onSignedOut: (error) => { signedOut = error; }, webSocketImpl: WebSocket });
  const before = sent.length;
  const me = await client.query({ query: gql(ME) });
  assert.equal(me.data.me.userId, SIGN_IN.u);
  assert.ok(persisted(sent.slice(before)).length > 0, "Apollo sent no persisted query");
  const again = sent.length;
  const cached = await client.query({ query: gql(ME) });
  assert.equal(cached.data.me.id, me.data.me.id);
  assert.equal(sent.length, again, "the second `me` was not read from the cache");

  let subscription;
  const received = new Promise((resolve, reject) => {
    subscription = client.subscribe({ query: gql(OWN_EVENTS) }).subscribe({ next: resolve, error: reject });
  });
  const event = await eventsUntil(received, token, "Apollo subscription").finally(() => subscription.unsubscribe());
  assert.equal(event.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
  assert.equal(event.data.operatorEvents.userId, SIGN_IN.u);
  assert.equal(signedOut, null);

  const expired = createApolloClient({ url: GRAPHQL, token: "caducado", onSignedOut: (error) => { signedOut = error; }, webSocketImpl: WebSocket });
  await assert.rejects(expired.query({ query: gql(ME) }));
  assert.ok(signedOut, "onSignedOut was not called for an expired session");
});

test("README's urql set-up: persisted queries, the cache, the user's own events", async () => {
  const token = await signIn();
  const client = createUrqlClient({ url: GRAPHQL, token, webSocketImpl: WebSocket });
  const before = sent.length;
  const me = await client.query(ME, {}).toPromise();
  assert.equal(me.error, undefined);
  assert.equal(me.data.me.userId, SIGN_IN.u);
  assert.ok(persisted(sent.slice(before)).length > 0, "urql sent no persisted query");
  const again = sent.length;
  const cached = await client.query(ME, {}).toPromise();
  assert.equal(cached.data.me.id, me.data.me.id);
  assert.equal(sent.length, again, "the second `me` was not read from the cache");

  let unsubscribe;
  const received = new Promise((resolve) => {
    ({ unsubscribe } = client.subscription(OWN_EVENTS, {}).subscribe(resolve));
  });
  const event = await eventsUntil(received, token, "urql subscription").finally(() => unsubscribe());
  assert.equal(event.error, undefined);
  assert.equal(event.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
  assert.equal(event.data.operatorEvents.userId, SIGN_IN.u);
});
