// Values injected by Cargo at build time (and by `cargo-ai hosting app env`
// into .env.local for local development). Only VITE_* keys reach the bundle:
// never put a secret here, everything in the bundle is public.
export const cargoEnv = {
  apiUrl: import.meta.env.VITE_CARGO_API_URL ?? "https://api.getcargo.io",
  workspaceUuid: import.meta.env.VITE_CARGO_WORKSPACE_UUID ?? "",
  appUuid: import.meta.env.VITE_CARGO_APP_UUID ?? "",
};
