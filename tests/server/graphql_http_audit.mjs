// Runs graphql-http's server audits (GraphQL over HTTP) against one endpoint and prints
// their results as JSON. Usage: node graphql_http_audit.mjs ENDPOINT API_KEY
// graphql-http (1.23.1) is resolved from NODE_PATH; see tests/server/test_graphql_http_audit.py.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { serverAudits } = require('graphql-http');
const [url, key] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `X-API-Key: ${key}`);
  return fetch(input, { ...init, headers });
};
const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  results.push({ id: audit.id, name: audit.name, status: result.status });
}
console.log(JSON.stringify(results));
