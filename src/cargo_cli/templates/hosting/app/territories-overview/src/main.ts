import { listTerritories, type Territory } from "./api";
import "./style.css";

const TOKEN_KEY = "cargo-api-token";
const app = document.querySelector<HTMLElement>("#app")!;

function escape(text: string): string {
  const node = document.createElement("span");
  node.textContent = text;
  return node.innerHTML;
}

function card(territory: Territory): string {
  const members = territory.members?.length ?? 0;
  return `
    <article class="card" style="--color: ${escape(territory.color ?? "")}">
      <h2>${escape(territory.label)}</h2>
      <p class="muted">${escape(territory.description ?? "")}</p>
      <p>${members} member${members === 1 ? "" : "s"}</p>
    </article>`;
}

async function render(token: string): Promise<void> {
  const grid = app.querySelector<HTMLElement>(".grid")!;
  grid.innerHTML = `<p class="muted">Loading…</p>`;
  try {
    const territories = await listTerritories(token);
    grid.innerHTML = territories.length
      ? territories.map(card).join("")
      : `<p class="muted">No territories in this workspace.</p>`;
  } catch (error) {
    grid.innerHTML = `<p class="error">${escape(String((error as Error).message ?? error))}</p>`;
  }
}

app.innerHTML = `
  <h1>__NAME__</h1>
  <form>
    <input type="password" name="token" placeholder="Cargo API token (kept in this tab only)" required />
    <button type="submit">Load territories</button>
  </form>
  <section class="grid"></section>
`;

const form = app.querySelector<HTMLFormElement>("form")!;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = new FormData(form).get("token")?.toString().trim() ?? "";
  sessionStorage.setItem(TOKEN_KEY, token);
  void render(token);
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void render(saved);
