// A stand-in for the vendor's Node CLI running `cargo-ai whoami` (make bench;
// scripts/bench.py says what it is and is not). What it does is what the
// vendor's whoami does, on Node's own modules only (no npm package can be
// installed offline): parse the command line (a two-command dispatcher in
// place of commander), read the stored login (~/.config/cargo-ai, if any;
// CARGO_API_TOKEN wins), GET the current user and the current workspace
// with fetch() (undici, as the vendor's TS client does), and print the
// profile as 2-space JSON.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const commands = {
  whoami: async () => {
    const origin = (process.env.CARGO_API_URL || "https://api.getcargo.io").replace(/\/+$/, "");
    let token = process.env.CARGO_API_TOKEN;
    let workspace = process.env.CARGO_WORKSPACE_UUID;
    const file = path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config"), "cargo-ai", "credentials.json");
    if (!token && fs.existsSync(file)) {
      const stored = JSON.parse(fs.readFileSync(file, "utf8"));
      token = stored.accessToken;
      workspace = workspace || stored.workspaceUuid;
    }
    const headers = { authorization: `Bearer ${token}`, "x-cargo-origin": "cli" };
    const get = async (p, withWorkspace) => {
      const h = withWorkspace && workspace ? { ...headers, "selected-workspace-uuid": workspace } : headers;
      const response = await fetch(`${origin}/v1${p}`, { headers: h });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    };
    const user = await get("/userManagement/users/current", false);
    const ws = await get("/workspaceManagement/workspaces/current", true);
    const out = { user: user.user ?? user, workspace: ws.workspace ?? ws, baseUrl: origin };
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  },
  version: async () => process.stdout.write(JSON.stringify({ version: "0.0.0" }) + "\n"),
};

const name = process.argv[2];
if (!commands[name]) {
  process.stdout.write(JSON.stringify({ errorMessage: `unknown command ${name}` }) + "\n");
  process.exit(2);
}
commands[name]().catch((error) => {
  process.stdout.write(JSON.stringify({ errorMessage: String(error.message || error) }) + "\n");
  process.exit(1);
});
