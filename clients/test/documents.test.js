// The documents integrators write, checked by the tools they check them with, against the
// committed schema.graphql: relay-compiler on a Relay app's @connection and @refetchable
// fragments (and the queries it generates, run against the API), and graphql-inspector's
// `validate` on every GraphQL operation of README.md and docs/*.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { validate } from "@graphql-inspector/core";
import { Kind, Source, buildSchema, parse } from "graphql";

const CLIENTS = dirname(dirname(fileURLToPath(import.meta.url)));
const ROOT = dirname(CLIENTS);
const SCHEMA = join(ROOT, "schema.graphql");
const RELAY_COMPILER = join(CLIENTS, "node_modules", ".bin", "relay-compiler");
const GRAPHQL = process.env.API_URL ? `${process.env.API_URL}/graphql` : null;

// A Relay project of its own in a temporary directory: the compiler writes its artifacts there,
// never into the repository.
function compileWithRelay(fixture) {
  const project = mkdtempSync(join(tmpdir(), "relay-"));
  mkdirSync(join(project, "src"));
  mkdirSync(join(project, "__generated__"));
  copyFileSync(fixture, join(project, "src", fixture.split("/").pop()));
  copyFileSync(SCHEMA, join(project, "schema.graphql"));
  writeFileSync(
    join(project, "relay.config.json"),
    JSON.stringify({
      src: "./src",
      schema: "./schema.graphql",
      artifactDirectory: "./__generated__",
      language: "javascript",
    }),
  );
  // The artifacts are ES modules.
  writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
  const run = spawnSync(RELAY_COMPILER, ["--noWatchman"], { cwd: project, encoding: "utf8" });
  return { project, status: run.status, output: `${run.stdout}${run.stderr}` };
}

async function post(query, variables, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(GRAPHQL, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return response.json();
}

async function signIn() {
  const answer = await post(
    `mutation($i: String!, $u: String!, $p: String!) { login(identification: $i, userId: $u, password: $p) { token errors { code } } }`,
    { i: process.env.IDENTIFICATION, u: process.env.USER_ID, p: process.env.PASSWORD },
  );
  assert.deepEqual(answer.data.login.errors, []);
  return answer.data.login.token;
}

test("relay-compiler accepts a Relay app's @connection and @refetchable documents, and the API answers what it generates", async () => {
  const { project, status, output } = compileWithRelay(join(CLIENTS, "relay", "HistoryPage.js"));
  try {
    assert.equal(status, 0, output);
    const generated = readdirSync(join(project, "__generated__")).sort();
    assert.deepEqual(generated, [
      "HistoryPageBackwardQuery.graphql.js",
      "HistoryPageOperatorRefetchQuery.graphql.js",
      "HistoryPagePaginationQuery.graphql.js",
      "HistoryPageQuery.graphql.js",
      "HistoryPage_history.graphql.js",
      "HistoryPage_newestLast.graphql.js",
      "HistoryPage_operator.graphql.js",
    ]);
    // The operation texts Relay sends (it adds pageInfo, cursors and __typename itself).
    // Only the queries: the fragments' artifacts import them the way bundlers resolve paths.
    const texts = {};
    for (const file of generated.filter((name) => name.endsWith("Query.graphql.js"))) {
      const artifact = (await import(pathToFileURL(join(project, "__generated__", file)))).default;
      if (artifact.kind === "Request") texts[artifact.params.name] = artifact.params.text;
    }
    const text = (name) => texts[name];
    assert.match(text("HistoryPageBackwardQuery"), /hasPreviousPage/);
    assert.match(text("HistoryPageBackwardQuery"), /startCursor/);

    const token = await signIn();
    const userId = process.env.USER_ID;
    const first = await post(text("HistoryPageQuery"), { userId }, token);
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    const history = first.data.operatorHistory;
    const ids = (connection) => connection.edges.map((edge) => edge.node.id);
    assert.ok(history.edges.length > 0 && history.edges.length < 20);
    assert.equal(history.pageInfo.hasNextPage, false);
    assert.equal(first.data.newestLast.pageInfo.hasPreviousPage, false);
    assert.deepEqual(ids(first.data.newestLast), ids(history));

    // Paging as usePaginationFragment does: loadNext(1) after the first edge, loadPrevious(1)
    // before the last one.
    const forward = await post(text("HistoryPagePaginationQuery"), { userId, count: 1, cursor: history.edges[0].cursor }, token);
    assert.equal(forward.errors, undefined, JSON.stringify(forward.errors));
    assert.deepEqual(ids(forward.data.operatorHistory), ids(history).slice(1, 2));
    assert.equal(forward.data.operatorHistory.pageInfo.hasNextPage, history.edges.length > 2);
    const backward = await post(text("HistoryPageBackwardQuery"), { userId, count: 1, cursor: history.edges.at(-1).cursor }, token);
    assert.equal(backward.errors, undefined, JSON.stringify(backward.errors));
    assert.deepEqual(ids(backward.data.newestLast), ids(history).slice(-2, -1));
    assert.equal(backward.data.newestLast.pageInfo.hasPreviousPage, history.edges.length > 2);

    // useRefetchableFragment refetches the operator through node(id:).
    const refetched = await post(text("HistoryPageOperatorRefetchQuery"), { id: first.data.me.id }, token);
    assert.equal(refetched.errors, undefined, JSON.stringify(refetched.errors));
    assert.equal(refetched.data.node.userId, userId);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test("relay-compiler refuses a connection argument the schema does not have", () => {
  const dir = mkdtempSync(join(tmpdir(), "relay-fixture-"));
  const fixture = join(dir, "Broken.js");
  writeFileSync(
    fixture,
    "graphql`fragment Broken_history on Query @argumentDefinitions(userId: {type: \"String!\"}) {\n" +
      '  operatorHistory(userId: $userId, first: 5, around: "x") @connection(key: "Broken_operatorHistory") { edges { node { id } } }\n' +
      "}`;\n",
  );
  const { project, status, output } = compileWithRelay(fixture);
  rmSync(project, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  assert.notEqual(status, 0);
  assert.match(output, /around/);
});

// Every ```graphql block of the Markdown files integrators read, one Source each, named by file
// and line so that a failure says where to look.
function documentedOperations() {
  const files = [join(ROOT, "README.md"), ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => join(ROOT, "docs", f))];
  const sources = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)) {
      const line = text.slice(0, match.index).split("\n").length;
      sources.push(new Source(match[1], `${file.slice(ROOT.length + 1)}:${line}`));
    }
  }
  return sources;
}

test("graphql-inspector validates every GraphQL operation of README and docs against schema.graphql", () => {
  const schema = buildSchema(readFileSync(SCHEMA, "utf8"));
  const sources = documentedOperations();
  assert.ok(sources.length >= 5, `only ${sources.length} graphql blocks found`);
  for (const source of sources) {
    // A block is an operation, a fragment, or several: schema definitions have no place there.
    for (const definition of parse(source).definitions) {
      assert.ok([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION].includes(definition.kind), `${source.name}: ${definition.kind}`);
    }
  }
  // Fragments are shared across the blocks, as a client's documents share them.
  const invalid = validate(schema, sources, { strictDeprecated: false });
  const report = invalid.map((doc) => `${doc.source.name}: ${doc.errors.map((e) => e.message).join("; ")}`);
  assert.deepEqual(report, []);

  // The same check on a document that is wrong finds it.
  const wrong = validate(schema, [new Source("{ me { userId notAField } }", "wrong")]);
  assert.equal(wrong.length, 1);
  assert.match(wrong[0].errors[0].message, /notAField/);
});
