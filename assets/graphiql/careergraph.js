// careergraph's GraphiQL: the bootstrap, in a file of its own so that the page's
// Content-Security-Policy needs no inline script. The access token typed in the bar is kept in
// localStorage and sent as `Authorization: Bearer …` with every HTTP request and in the
// WebSocket's connection_init payload (where src/ws.rs reads it).
(function () {
  'use strict';
  var KEY = 'careergraph.accessToken';
  var input = document.getElementById('careergraph-token-input');
  var state = document.getElementById('careergraph-token-state');

  function token() {
    try {
      return (window.localStorage.getItem(KEY) || '').trim();
    } catch (e) {
      return '';
    }
  }

  function authorization() {
    var value = token();
    return value ? { Authorization: 'Bearer ' + value } : {};
  }

  function show() {
    state.textContent = token() ? 'signed in: sent with every request' : 'anonymous';
  }

  function endpoint(name, fallback) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return new URL((meta && meta.content) || fallback, window.location.href);
  }

  // One WebSocket client per token: a new token means a new connection_init.
  var wsUrl = endpoint('careergraph-ws-endpoint', '/graphql/ws');
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  var client = null;
  var clientToken = null;

  function wsClient() {
    var current = token();
    if (client === null || clientToken !== current) {
      if (client !== null) {
        client.dispose();
      }
      clientToken = current;
      client = graphqlWs.createClient({
        url: wsUrl.toString(),
        lazy: true,
        connectionParams: authorization,
      });
    }
    return client;
  }

  input.value = token();
  show();
  input.addEventListener('input', function () {
    try {
      window.localStorage.setItem(KEY, input.value.trim());
    } catch (e) {
      // Storage refused (private mode): the token lasts as long as the page.
    }
    show();
  });
  document.getElementById('careergraph-token-clear').addEventListener('click', function () {
    input.value = '';
    try {
      window.localStorage.removeItem(KEY);
    } catch (e) {
      // Nothing kept.
    }
    show();
  });
  document.getElementById('careergraph-token').addEventListener('submit', function (event) {
    event.preventDefault();
  });

  var fetcher = GraphiQL.createFetcher({
    url: endpoint('careergraph-endpoint', '/graphql').toString(),
    // GraphiQL's own headers tab wins over the token bar.
    fetch: function (url, init) {
      var options = Object.assign({}, init);
      options.headers = Object.assign({}, authorization(), init && init.headers);
      return window.fetch(url, options);
    },
    wsClient: {
      subscribe: function (payload, sink) {
        return wsClient().subscribe(payload, sink);
      },
    },
  });

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher }));
})();
