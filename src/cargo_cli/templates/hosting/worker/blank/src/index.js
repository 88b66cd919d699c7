// A Cargo Hosting worker: a plain fetch(request, env) handler (no SDK).
// env holds the platform bindings (CARGO_API_URL, CARGO_WORKSPACE_UUID,
// CARGO_WORKER_UUID) and the worker's env vars; secrets bind here too.

const OPENAPI = {
  openapi: "3.1.0",
  info: { title: "__NAME__", version: "0.1.0" },
  paths: {
    "/health": {
      get: { summary: "Liveness check", responses: { 200: { description: "{ ok: true }" } } },
    },
    "/hello": {
      get: {
        summary: "Say hello",
        parameters: [{ name: "name", in: "query", schema: { type: "string" } }],
        responses: { 200: { description: "{ message }" } },
      },
    },
  },
};

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "content-type, authorization",
};

function json(body, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...CORS },
  });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
    if (url.pathname === "/health") return json({ ok: true, worker: env.CARGO_WORKER_UUID ?? null });
    if (url.pathname === "/openapi.json") return json(OPENAPI);
    if (url.pathname === "/hello" && request.method === "GET") {
      return json({ message: `Hello, ${url.searchParams.get("name") ?? "world"}!` });
    }
    return json({ errorMessage: `No route for ${request.method} ${url.pathname}` }, 404);
  },
};
