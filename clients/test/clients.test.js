// The clients front ends and partners use, against the running API (started by the Python suite,
// tests/api/test_real_clients.py, which passes where it is and whom to sign in as).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import WebSocket from "ws";
import { createClient as createWsClient } from "graphql-ws";
import { SubscriptionClient } from "subscriptions-transport-ws";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import { ErrorLink } from "@apollo/client/link/error";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";

const API = process.env.API_URL;
const GRAPHQL = `${API}/graphql`;
const WS = GRAPHQL.replace(/^http/, "ws");
const PARTNER_KEY = process.env.PARTNER_KEY;
const SIGN_IN = {
  i: process.env.IDENTIFICATION,
  u: process.env.USER_ID,
  p: process.env.PASSWORD,
};

const EVENTS = `subscription { operatorEvents(types: [DEREGISTRATION_REQUESTED]) { id type userId changes { field } } }`;
const REQUEST = `mutation { requestDeregistration(reason: "Cierre de la empresa") { errors { code } } }`;
const WITHDRAW = `mutation { withdrawDeregistration { errors { code } } }`;
const sha256 = async (text) => createHash("sha256").update(text).digest("hex");

async function post(query, variables = {}, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(GRAPHQL, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return response.json();
}

async function signIn() {
  const answer = await post(
    `mutation($i: String!, $u: String!, $p: String!) { login(identification: $i, userId: $u, password: $p) { token errors { code } } }`,
    SIGN_IN,
  );
  assert.deepEqual(answer.data.login.errors, []);
  return answer.data.login.token;
}

// A change the subscribers can see: a deregistration request, withdrawn again afterwards.
async function makeAnEvent(token) {
  assert.deepEqual((await post(REQUEST, {}, token)).data.requestDeregistration.errors, []);
  assert.deepEqual((await post(WITHDRAW, {}, token)).data.withdrawDeregistration.errors, []);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("graphql-ws client receives a partner's events (text frames, graphql-transport-ws)", async () => {
  const client = createWsClient({ url: WS, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${PARTNER_KEY}` } });
  try {
    const token = await signIn();
    const received = new Promise((resolve, reject) => {
      client.subscribe({ query: EVENTS }, { next: resolve, error: reject, complete: () => {} });
    });
    await settle(300);
    await makeAnEvent(token);
    const event = await withTimeout(received, 10000, "graphql-ws");
    assert.equal(event.errors, undefined);
    assert.equal(event.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
    assert.equal(event.data.operatorEvents.userId, SIGN_IN.u);
  } finally {
    await client.dispose();
  }
});

test("subscriptions-transport-ws (the legacy graphql-ws protocol) receives a partner's events", async () => {
  const client = new SubscriptionClient(WS, { connectionParams: { authorization: `Bearer ${PARTNER_KEY}` } }, WebSocket);
  try {
    const token = await signIn();
    const received = new Promise((resolve, reject) => {
      client.request({ query: EVENTS }).subscribe({ next: resolve, error: reject });
    });
    await settle(300);
    await makeAnEvent(token);
    const event = await withTimeout(received, 10000, "subscriptions-transport-ws");
    assert.equal(event.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
  } finally {
    client.close();
  }
});

function apollo(token, { onAuthError } = {}) {
  const errors = new ErrorLink(({ error }) => {
    const unauthenticated =
      (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) ||
      (ServerError.is(error) && error.statusCode === 401);
    if (unauthenticated && onAuthError) onAuthError(error);
  });
  const http = new HttpLink({ uri: GRAPHQL, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return new ApolloClient({
    link: ApolloLink.from([errors, createPersistedQueryLink({ sha256 }), http]),
    cache: new InMemoryCache(),
  });
}

test("Apollo Client queries over HTTP with automatic persisted queries", async () => {
  const token = await signIn();
  const client = apollo(token);
  const me = await client.query({ query: gql`query Me { me { userId name } }` });
  assert.equal(me.data.me.userId, SIGN_IN.u);
  const countries = await client.query({ query: gql`query Countries { countries { code name } }` });
  assert.ok(countries.data.countries.some((c) => c.code === "EC"));
});

test("Apollo Client's error link sees an expired session as UNAUTHENTICATED and can send to sign-in", async () => {
  let redirected = null;
  const client = apollo("caducado", { onAuthError: (error) => { redirected = error; } });
  await assert.rejects(client.query({ query: gql`query Me { me { userId } }` }));
  assert.ok(redirected, "the error link saw no UNAUTHENTICATED");
});

test("Apollo Client's GraphQLWsLink receives a subscription", async () => {
  const wsClient = createWsClient({ url: WS, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${PARTNER_KEY}` } });
  const client = new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache() });
  try {
    const token = await signIn();
    const received = new Promise((resolve, reject) => {
      client.subscribe({ query: gql(EVENTS) }).subscribe({ next: resolve, error: reject });
    });
    await settle(300);
    await makeAnEvent(token);
    const event = await withTimeout(received, 10000, "GraphQLWsLink");
    assert.equal(event.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
  } finally {
    await wsClient.dispose();
  }
});

test("urql's persistedExchange retries with the text when the hash is not known", async () => {
  const sent = [];
  const recordingFetch = (url, init) => {
    sent.push(init?.body ? JSON.parse(init.body) : { url: String(url) });
    return fetch(url, init);
  };
  const client = new UrqlClient({
    url: GRAPHQL,
    fetch: recordingFetch,
    preferGetMethod: false,
    exchanges: [persistedExchange({ preferGetForPersistedQueries: false, generateHash: sha256 }), fetchExchange],
  });
  // A text no process has seen before: its hash must be missed first.
  const query = `query Carriers${Date.now()} { mobileCarriers { code } }`;
  const result = await client.query(query, {}).toPromise();
  assert.equal(result.error, undefined, String(result.error));
  assert.equal(result.data.mobileCarriers.length, 5);
  assert.equal(sent.length, 2, JSON.stringify(sent));
  assert.equal(sent[0].query, undefined);
  assert.ok(sent[1].query.includes("mobileCarriers"));
});

test("urql's subscriptionExchange over graphql-ws receives a partner's events", async () => {
  const wsClient = createWsClient({ url: WS, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${PARTNER_KEY}` } });
  const client = new UrqlClient({
    url: GRAPHQL,
    exchanges: [
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: wsClient.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
      fetchExchange,
    ],
  });
  try {
    const token = await signIn();
    const received = new Promise((resolve) => {
      const { unsubscribe } = client.subscription(EVENTS, {}).subscribe((result) => {
        unsubscribe();
        resolve(result);
      });
    });
    await settle(300);
    await makeAnEvent(token);
    const event = await withTimeout(received, 10000, "urql subscription");
    assert.equal(event.error, undefined, String(event.error));
    assert.equal(event.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
  } finally {
    await wsClient.dispose();
  }
});

test("Apollo Client's normalized cache keeps one `me`, updated by `modify`'s payload (Node ids)", async () => {
  const client = apollo(process.env.TOKEN);
  const ME = gql`query Me { me { id userId address } }`;
  const first = await client.query({ query: ME });
  const again = await client.query({ query: gql`query MeAgain { me { id name } }` });
  assert.equal(again.data.me.id, first.data.me.id);
  // The second query did not wipe the first from the cache: both fields are there.
  assert.equal(client.readQuery({ query: ME }).me.address, first.data.me.address);
  const input = JSON.parse(process.env.MODIFY_INPUT);
  const modified = await client.mutate({
    mutation: gql`mutation Modify($input: ModifyOperatorInput!) {
      modify(input: $input) { errors { code message } operator { id address } }
    }`,
    variables: { input },
  });
  assert.deepEqual(modified.data.modify.errors, []);
  // No refetch, no cache configuration: the cached `me` shows the new address.
  assert.equal(client.readQuery({ query: ME }).me.address, input.address);
  const node = await client.query({
    query: gql`query Node($id: ID!) { node(id: $id) { id ... on Operator { userId } } }`,
    variables: { id: first.data.me.id },
  });
  assert.equal(node.data.node.userId, SIGN_IN.u);
});
