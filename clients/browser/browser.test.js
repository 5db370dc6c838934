// A real browser against the running API (started by the Python suite, tests/api/test_browser.py):
// Debian's Chromium, headless, driven by puppeteer-core, with every request off this machine
// aborted. GraphiQL must work from the API alone; a page of an origin in CORS_ORIGINS signs in
// with fetch; the browser's own WebSocket gets text frames.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

import puppeteer from "puppeteer-core";

const API = process.env.API_URL;
const GRAPHQL = `${API}/graphql`;
const WS = GRAPHQL.replace(/^http/, "ws");
const PARTNER_KEY = process.env.PARTNER_KEY;
const SIGN_IN = { i: process.env.IDENTIFICATION, u: process.env.USER_ID, p: process.env.PASSWORD };
// Two pages of other origins: one listed in the API's CORS_ORIGINS, one not.
const LISTED_PORT = Number(process.env.LISTED_PORT);
const UNLISTED_PORT = Number(process.env.UNLISTED_PORT);

const LOGIN = `mutation($i: String!, $u: String!, $p: String!) { login(identification: $i, userId: $u, password: $p) { token errors { code } } }`;
const EVENTS = `subscription { operatorEvents(types: [DEREGISTRATION_REQUESTED]) { type userId } }`;
const REQUEST = `mutation { requestDeregistration(reason: "Cierre de la empresa") { errors { code } } }`;
const WITHDRAW = `mutation { withdrawDeregistration { errors { code } } }`;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost"]);

let browser;
let pages = [];
const offMachine = [];

async function post(query, variables = {}, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(GRAPHQL, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return response.json();
}

async function signIn() {
  const answer = await post(LOGIN, SIGN_IN);
  assert.deepEqual(answer.data.login.errors, []);
  return answer.data.login.token;
}

// Subscriptions carry live events only: a deregistration request (withdrawn again) every half
// second until the subscriber has seen one, so no sleep has to guess when it is listening.
async function eventsUntil(seen, what) {
  const token = await signIn();
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    assert.deepEqual((await post(REQUEST, {}, token)).data.requestDeregistration.errors, []);
    assert.deepEqual((await post(WITHDRAW, {}, token)).data.withdrawDeregistration.errors, []);
    const result = await Promise.race([seen, new Promise((resolve) => setTimeout(resolve, 500))]);
    if (result !== undefined) return result;
  }
  throw new Error(`${what}: no event within 15 s`);
}

// A plain page of another origin, as a front end's would be.
function servePage(port) {
  const server = createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>Portal</title><p>Portal de pruebas</p>");
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

// A tab whose requests leave this machine never: anything not to 127.0.0.1/localhost is aborted
// and recorded (the tests assert none was even tried). Policy violations and script errors too.
async function newPage() {
  const page = await browser.newPage();
  pages.push(page);
  const problems = [];
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol === "data:" || url.protocol === "blob:" || LOCAL_HOSTS.has(url.hostname)) {
      request.continue();
    } else {
      offMachine.push(request.url());
      request.abort("internetdisconnected");
    }
  });
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { page, problems };
}

let servers = [];

before(async () => {
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    // Chromium's sandbox refuses to start as root (containers, CI).
    args: [
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      // The browser's own traffic (updates, safe browsing) goes to a proxy that does not exist;
      // loopback never goes through a proxy.
      "--proxy-server=http://127.0.0.1:9",
    ],
  });
  servers = await Promise.all([servePage(LISTED_PORT), servePage(UNLISTED_PORT)]);
});

after(async () => {
  await Promise.all(pages.map((page) => page.close().catch(() => {})));
  await browser?.close();
  for (const server of servers) server.close();
  assert.deepEqual(offMachine, [], "requests off this machine were attempted");
});

// GraphiQL keeps its editors in CodeMirror 5, whose wrapper element holds the editor instance.
const RESULT = ".result-window .CodeMirror";
const resultText = (page) => page.$eval(RESULT, (element) => element.CodeMirror.getValue());

async function openGraphiQL(query) {
  const tab = await newPage();
  const response = await tab.page.goto(`${GRAPHQL}?q=${encodeURIComponent(query)}`, { waitUntil: "networkidle0" });
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-security-policy"], /script-src 'self';/);
  await tab.page.waitForSelector(".graphiql-execute-button", { timeout: 15000 });
  return tab;
}

test("GraphiQL renders from the API alone and runs a query", async () => {
  const { page, problems } = await openGraphiQL("{ registrationTypes { code } }");
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    (selector) => document.querySelector(selector)?.CodeMirror.getValue().includes("GENERAL_USER"),
    { timeout: 10000 },
    RESULT,
  );
  const result = JSON.parse(await resultText(page));
  assert.ok(result.data.registrationTypes.some((type) => type.code === "GENERAL_USER"), JSON.stringify(result));
  assert.deepEqual(problems, []);
  assert.deepEqual(offMachine, [], "requests off this machine were attempted");
});

test("GraphiQL receives a subscription's event over the WebSocket of the same origin", async () => {
  const { page, problems } = await openGraphiQL(EVENTS);
  // The partner key typed in the Headers tab, as a person would; GraphiQL sends the headers as
  // the WebSocket's connection_init payload.
  const [headersTab] = await page.$$("xpath/.//button[normalize-space()='Headers']");
  assert.ok(headersTab, "GraphiQL has no Headers tab");
  await headersTab.click();
  await page.waitForSelector(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
  await page.$eval(
    ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror",
    (element, headers) => element.CodeMirror.setValue(headers),
    JSON.stringify({ Authorization: `Bearer ${PARTNER_KEY}` }),
  );
  await page.click(".graphiql-execute-button");
  const seen = page
    .waitForFunction(
      (selector) => document.querySelector(selector)?.CodeMirror.getValue().includes("DEREGISTRATION_REQUESTED"),
      { timeout: 16000 },
      RESULT,
    )
    .then(() => true);
  await eventsUntil(seen, "GraphiQL subscription");
  const event = JSON.parse(await resultText(page));
  assert.equal(event.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
  assert.equal(event.data.operatorEvents.userId, SIGN_IN.u);
  assert.deepEqual(problems, []);
  assert.deepEqual(offMachine, [], "requests off this machine were attempted");
});

// Runs in the page: sign in, then `me` with the token, as a single-page application does; the
// name of the error when the browser does not let the page read an answer.
async function signInFromPage(api, login, credentials) {
  const call = async (query, variables, token) => {
    const headers = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(api, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return { body: await response.json(), requestId: response.headers.get("x-request-id") };
  };
  try {
    const signedIn = await call(login, credentials);
    const me = await call("{ me { userId } }", {}, signedIn.body.data.login.token);
    return { login: signedIn.body.data.login, me: me.body.data.me, requestId: me.requestId };
  } catch (error) {
    return { error: error.name };
  }
}

test("a page of an origin in CORS_ORIGINS signs in and reads `me` with fetch", async () => {
  const { page, problems } = await newPage();
  await page.goto(`http://127.0.0.1:${LISTED_PORT}/`);
  const answer = await page.evaluate(signInFromPage, GRAPHQL, LOGIN, SIGN_IN);
  assert.deepEqual(answer.login.errors, []);
  assert.equal(answer.me.userId, SIGN_IN.u);
  // Exposed to the page by CORS: what a front end quotes when it reports a problem.
  assert.ok(answer.requestId, "X-Request-ID is not exposed to the page");
  assert.deepEqual(problems, []);
  assert.deepEqual(offMachine, [], "requests off this machine were attempted");
});

test("a page of an origin not in CORS_ORIGINS cannot read the API's answers", async () => {
  const { page } = await newPage();
  await page.goto(`http://127.0.0.1:${UNLISTED_PORT}/`);
  const answer = await page.evaluate(signInFromPage, GRAPHQL, LOGIN, SIGN_IN);
  assert.deepEqual(answer, { error: "TypeError" });
});

// Runs in the page: the browser's own WebSocket on graphql-transport-ws with a partner key,
// recording the JavaScript type of every message's data until an event arrives.
function listenFromPage(ws, key, subscription) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(ws, "graphql-transport-ws");
    const messages = [];
    socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${key}` } }));
    socket.onerror = () => reject(new Error("WebSocket error"));
    socket.onclose = (event) => reject(new Error(`closed ${event.code} ${event.reason}`));
    socket.onmessage = (event) => {
      const text = typeof event.data === "string" ? event.data : null;
      messages.push({ dataType: typeof event.data, message: text && JSON.parse(text) });
      const last = messages.at(-1).message;
      if (last?.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: subscription } }));
      }
      if (last?.type === "next") {
        socket.onclose = null;
        socket.close(1000);
        resolve({ protocol: socket.protocol, messages });
      }
    };
  });
}

test("the browser's own WebSocket receives text frames on graphql-transport-ws", async () => {
  const { page, problems } = await newPage();
  await page.goto(`http://127.0.0.1:${LISTED_PORT}/`);
  const listening = page.evaluate(listenFromPage, WS, PARTNER_KEY, EVENTS);
  const { protocol, messages } = await eventsUntil(listening, "browser WebSocket");
  assert.equal(protocol, "graphql-transport-ws");
  assert.deepEqual(new Set(messages.map((m) => m.dataType)), new Set(["string"]));
  assert.equal(messages[0].message.type, "connection_ack");
  const event = messages.at(-1).message;
  assert.equal(event.type, "next");
  assert.equal(event.payload.data.operatorEvents.type, "DEREGISTRATION_REQUESTED");
  assert.deepEqual(problems, []);
  assert.deepEqual(offMachine, [], "requests off this machine were attempted");
});
