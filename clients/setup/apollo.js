// Apollo Client 4 against the Ecuapass API: queries and mutations over HTTP with automatic
// persisted queries, subscriptions over graphql-ws, one normalized cache, and a way out when
// the session is gone. README shows this file as it is; clients/setup/setups.test.js runs it.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import { ErrorLink } from "@apollo/client/link/error";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";

// Persisted queries name a query by the SHA-256 of its text (Web Crypto: browsers, Node.js).
async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// url: "https://…/graphql"; token: the one `login` returned (or a partner key);
// onSignedOut: called when the API answers UNAUTHENTICATED (HTTP 401), e.g. to show sign-in;
// webSocketImpl: only outside a browser (Node.js: the `ws` package).
export function createApolloClient({ url, token, onSignedOut, webSocketImpl }) {
  const authorization = token ? { authorization: `Bearer ${token}` } : {};
  const signedOut = new ErrorLink(({ error }) => {
    const unauthenticated =
      (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) ||
      (ServerError.is(error) && error.statusCode === 401);
    if (unauthenticated) onSignedOut?.(error);
  });
  const http = ApolloLink.from([createPersistedQueryLink({ sha256 }), new HttpLink({ uri: url, headers: authorization })]);
  // The same URL over WebSocket; the token goes in connection_init.
  const ws = new GraphQLWsLink(
    createClient({ url: url.replace(/^http/, "ws"), connectionParams: authorization, webSocketImpl }),
  );
  return new ApolloClient({
    link: ApolloLink.from([
      signedOut,
      ApolloLink.split(({ operationType }) => operationType === "subscription", ws, http),
    ]),
    // Every entity has an opaque `id` (Relay's Node): no keyFields needed.
    cache: new InMemoryCache(),
  });
}
