/**
 * The story graph's layout (dagre, left to right), as a pure function: it runs in a worker
 * (layout.worker.ts) so that laying out a large story never freezes the page.
 */
import { Graph, layout } from '@dagrejs/dagre';

export interface LayoutRequest {
  readonly nodes: readonly { readonly id: string; readonly width: number; readonly height: number }[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
}

export type Positions = Readonly<Record<string, { readonly x: number; readonly y: number }>>;

export function layOut(req: LayoutRequest): Positions {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 110, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of req.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  req.edges.forEach((e, i) => {
    if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target, {}, `e${i}`);
  });
  layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    out[id] = { x: n.x ?? 0, y: n.y ?? 0 };
  }
  return out;
}
