import { cargoEnv } from "./env";

// GET /v1/revenueOrganization/territories/list (the Cargo REST API), with the
// same headers as the vendor's client. The token is a Cargo API token the user
// pastes at runtime: it is kept in sessionStorage, never in the bundle.
export type Territory = {
  uuid: string;
  label: string;
  color?: string;
  description?: string | null;
  members?: unknown[];
};

export async function listTerritories(token: string): Promise<Territory[]> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (cargoEnv.workspaceUuid) headers["selected-workspace-uuid"] = cargoEnv.workspaceUuid;
  const response = await fetch(`${cargoEnv.apiUrl}/v1/revenueOrganization/territories/list`, { headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.errorMessage ?? `The API answered ${response.status}`);
  }
  return Array.isArray(body.territories) ? body.territories : [];
}
