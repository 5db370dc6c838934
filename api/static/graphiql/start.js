// Renders GraphiQL with the explorer plugin against this origin: queries and mutations over
// HTTP, subscriptions over graphql-transport-ws on the same URL. The headers typed in the
// Headers tab (`{"Authorization": "Bearer <token or partner key>"}`) go with every HTTP request
// and, as the WebSocket's connection_init payload, with subscriptions.
"use strict";

(function () {
  const EXAMPLE_QUERY = `# GraphiQL de Ecuapass: escriba una operación y pulse Ctrl-Enter.
#
# Sin sesión, por ejemplo:
{
  registrationTypes {
    code
    name
  }
}
`;

  // A query shared by its URL: ?q=...&variables=...
  const parameters = Object.fromEntries(new URLSearchParams(window.location.search));

  function updateURL(changes) {
    Object.assign(parameters, changes);
    const kept = Object.entries(parameters).filter(([, value]) => Boolean(value));
    history.replaceState(null, "", "?" + new URLSearchParams(kept).toString());
  }

  const fetchURL = window.location.href.split("?")[0];
  const subscriptionURL = new URL(fetchURL);
  subscriptionURL.protocol = subscriptionURL.protocol === "https:" ? "wss:" : "ws:";
  subscriptionURL.hash = "";

  const fetcher = GraphiQL.createFetcher({
    url: fetchURL,
    subscriptionUrl: subscriptionURL.toString(),
  });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function Ecuapass() {
    const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
    const [variables, setVariables] = React.useState(parameters.variables);
    return React.createElement(GraphiQL, {
      fetcher,
      plugins: [explorer],
      query,
      variables,
      onEditQuery(value) {
        setQuery(value);
        updateURL({ q: value });
      },
      onEditVariables(value) {
        setVariables(value);
        updateURL({ variables: value });
      },
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      // A session token typed in the Headers tab is not left in the browser's storage.
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Ecuapass));
})();
