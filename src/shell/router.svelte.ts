/** Hash routes: `#/` is home, `#/<tool-id>?<small state>`. Hash routing works from file:// and any sub-path. */
export interface Route {
  toolId: string | undefined;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const q = path.indexOf('?');
  const id = (q === -1 ? path : path.slice(0, q)).replace(/\/+$/, '');
  return { toolId: id || undefined, params: new URLSearchParams(q === -1 ? '' : path.slice(q + 1)) };
}

export class Router {
  route = $state.raw<Route>(parseHash(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => (this.route = parseHash(location.hash)));
  }

  go(toolId: string | undefined) {
    location.hash = toolId ? `#/${toolId}` : '#/';
  }

  /** Updates the tool's query without a history entry, so typing an ID does not flood Back. */
  setParams(params: URLSearchParams) {
    const id = this.route.toolId;
    if (!id) return;
    const q = params.toString();
    history.replaceState(null, '', `#/${id}${q ? `?${q}` : ''}`);
    this.route = { toolId: id, params };
  }
}
