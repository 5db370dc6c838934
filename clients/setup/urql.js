// urql 6 against the Ecuapass API: the document cache, automatic persisted queries over HTTP,
// subscriptions over graphql-ws. README shows this file as it is; clients/setup/setups.test.js
// runs it.
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";
import { createClient } from "graphql-ws";

// Persisted queries name a query by the SHA-256 of its text (Web Crypto: browsers, Node.js).
async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// url: "https://…/graphql"; token: the one `login` returned (or a partner key);
// webSocketImpl: only outside a browser (Node.js: the `ws` package).
export function createUrqlClient({ url, token, webSocketImpl }) {
  const authorization = token ? { authorization: `Bearer ${token}` } : {};
  // The same URL over WebSocket; the token goes in connection_init.
  const ws = createClient({ url: url.replace(/^http/, "ws"), connectionParams: authorization, webSocketImpl });
  return new Client({
    url,
    fetchOptions: () => ({ headers: authorization }),
    exchanges: [
      cacheExchange,
      persistedExchange({ generateHash: sha256 }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
  });
}
