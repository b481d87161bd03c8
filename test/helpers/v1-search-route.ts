// GET /v1/search in Docker Hub's response shape, for edge-server routes: the first `n`
// repositories whose name or description contains `q`, wrapped in num_results, num_pages,
// page, page_size and query, each result with Hub's fields (pull_count and is_trusted too).
import type { EdgeHandler } from './edge-server.js';
import { sendJson } from './edge-routes.js';

export interface HubRepository {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export function hubRepo(name: string, description: string, stars: number, flags: { official?: boolean; automated?: boolean } = {}): HubRepository {
  return { name, description, star_count: stars, is_official: flags.official ?? false, is_automated: flags.automated ?? false };
}

export function v1Search(repositories: readonly HubRepository[]): EdgeHandler {
  return (req, res) => {
    const q = req.url.searchParams.get('q') ?? '';
    const n = Number(req.url.searchParams.get('n') ?? 25) || 25;
    const matching = repositories.filter((r) => r.name.includes(q) || r.description.includes(q));
    sendJson(res, 200, {
      num_pages: Math.max(1, Math.ceil(matching.length / n)),
      num_results: matching.length,
      page_size: n,
      page: 1,
      query: q,
      results: matching.slice(0, n).map((r) => ({ ...r, pull_count: 1000, is_trusted: false })),
    });
  };
}
