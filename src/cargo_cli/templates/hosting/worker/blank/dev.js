// Local development server only: Cargo bundles src/index.js, not this file.
// Serves the worker on http://localhost:8787 (PORT overrides) with process.env
// as its env; Node 20+ has fetch, Request and Response built in.
import { createServer } from "node:http";
import worker from "./src/index.js";

const port = Number(process.env.PORT ?? 8787);

createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const request = new Request(`http://localhost:${port}${req.url}`, {
    method: req.method,
    headers: req.headers,
    body: ["GET", "HEAD"].includes(req.method) ? undefined : body,
  });
  try {
    const response = await worker.fetch(request, { ...process.env });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    console.error(error);
    res.writeHead(500).end();
  }
}).listen(port, () => console.log(`__NAME__ on http://localhost:${port}`));
