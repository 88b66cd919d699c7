import { cargoEnv } from "./env";
import "./style.css";

const app = document.querySelector<HTMLElement>("#app");
if (app) {
  app.innerHTML = `
    <h1>__NAME__</h1>
    <p>Edit <code>src/main.ts</code>, then deploy with
      <code>cargo-ai hosting deployment create --app-uuid &lt;uuid&gt; --source .</code></p>
    <dl>
      <dt>API</dt><dd>${cargoEnv.apiUrl}</dd>
      <dt>Workspace</dt><dd>${cargoEnv.workspaceUuid || "(not set)"}</dd>
      <dt>App</dt><dd>${cargoEnv.appUuid || "(not set)"}</dd>
    </dl>
  `;
}
