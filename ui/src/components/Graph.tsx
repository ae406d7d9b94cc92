/**
 * The story's entity graph: cytoscape, laid out by dagre left to right (the attack, its threats,
 * then the entities they involve and the relations the records stated) in a worker, so a large
 * story never freezes the page. Loaded on demand with the story page. Zoom with the wheel or the
 * buttons; a click on an entity opens its page. The same nodes are listed beside it as links,
 * for the keyboard and screen readers.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { GraphEdge, GraphNode } from '../types.js';
import type { LayoutRequest, Positions } from './layout.js';

/** Room a node takes in the layout: its dot, and its label below it (12 px text). */
function footprint(label: string): { width: number; height: number } {
  return { width: Math.max(30, label.length * 6.8 + 8), height: 44 };
}

/** Positions from the layout worker (dagre stays out of the page's own bundle). */
function positionsOf(req: LayoutRequest): Promise<Positions> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Positions>) => {
      worker.terminate();
      resolve(e.data);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message));
    };
    worker.postMessage(req);
  });
}

const TYPE_COLOURS: Readonly<Record<string, string>> = {
  process: '#2563eb',
  container: '#0891b2',
  pod: '#0d9488',
  node: '#4b5563',
  namespace: '#6b7280',
  image: '#7c3aed',
  'k8s-serviceaccount': '#b45309',
  'k8s-user': '#b45309',
  'aws-principal': '#c2410c',
  'aws-role': '#c2410c',
  'aws-access-key': '#c2410c',
  'aws-account': '#9a3412',
  's3-bucket': '#15803d',
  's3-object': '#15803d',
  'ec2-instance': '#4338ca',
  ip: '#be185d',
  domain: '#be185d',
  file: '#57534e',
  user: '#92400e',
};

/** The page's text and background colours as resolved for the current theme (cytoscape wants plain colours). */
function pageColours(): { text: string; bg: string } {
  const body = getComputedStyle(document.body);
  return { text: body.color || '#111827', bg: body.backgroundColor || '#ffffff' };
}

function labelOf(n: GraphNode): string {
  return n.label.length > 40 ? `${n.label.slice(0, 38)}…` : n.label;
}

export default function Graph({ nodes, edges, onOpen }: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[]; onOpen: (n: GraphNode) => void }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const open = useRef(onOpen);
  open.current = onOpen;

  // A live update reloads the story: the graph is rebuilt (and the user's zoom lost) only when
  // its nodes or relations changed.
  const signature = useMemo(() => `${nodes.map((n) => `${n.id}=${n.label}`).join('|')}#${edges.map((e) => `${e.source}>${e.relation}>${e.target}`).join('|')}`, [nodes, edges]);
  const data = useRef({ nodes, edges });
  data.current = { nodes, edges };

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    let c: Core | undefined;
    let gone = false;
    const { nodes, edges } = data.current;
    const labels = new Map(nodes.map((n) => [n.id, labelOf(n)]));
    // Laid out on the attack, its threats and the stated relations; which threat involves which
    // entity is drawn but left out of the layout, which it would slow by its number of edges
    // (500 nodes: three times as long) without making the picture clearer.
    const req: LayoutRequest = {
      nodes: nodes.map((n) => ({ id: n.id, ...footprint(labels.get(n.id) ?? '') })),
      edges: edges.filter((e) => e.relation !== 'involves' && labels.has(e.source) && labels.has(e.target)).map((e) => ({ source: e.source, target: e.target })),
    };
    positionsOf(req).then(
      (positions) => {
        if (!gone) c = draw(el, positions);
      },
      () => {
        // No worker (a browser that refuses it): cytoscape's own layered layout, in the page.
        if (!gone) c = draw(el, undefined);
      },
    );
    return () => {
      gone = true;
      c?.destroy();
      cy.current = null;
      delete el.dataset['ready'];
    };
  }, [signature]);

  function draw(el: HTMLDivElement, positions: Positions | undefined): Core {
    const { nodes, edges } = data.current;
    const ids = new Set(nodes.map((n) => n.id));
    const elements: ElementDefinition[] = [
      ...nodes.map((n) => ({ position: { ...(positions?.[n.id] ?? { x: 0, y: 0 }) }, data: { id: n.id, label: labelOf(n), kind: n.kind, type: n.type, colour: n.kind === 'entity' ? (TYPE_COLOURS[n.type] ?? '#64748b') : n.kind === 'attack' ? '#dc2626' : '#ea580c' } })),
      // Which threat involves which entity is drawn light and unlabelled: the relations the
      // records stated (runs-in, assumed, accessed…) are what the eye should follow.
      ...edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, label: e.relation === 'involves' || e.relation === 'includes' ? '' : e.relation, link: e.relation === 'involves' ? 'weak' : 'stated' } })),
    ];
    const { text, bg } = pageColours();
    const c = cytoscape({
      container: el,
      elements,
      minZoom: 0.05,
      maxZoom: 4,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)',
            label: 'data(label)',
            color: text,
            'font-size': 12,
            'min-zoomed-font-size': 7,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            'text-outline-color': bg,
            'text-outline-width': 2,
            width: 24,
            height: 24,
          },
        },
        { selector: 'node[kind = "attack"]', style: { shape: 'diamond', width: 38, height: 38, 'font-weight': 'bold' } },
        { selector: 'node[kind = "threat"]', style: { shape: 'round-rectangle', width: 30, height: 22 } },
        {
          selector: 'edge',
          style: {
            width: 1.2,
            'line-color': '#94a3b8',
            'target-arrow-color': '#94a3b8',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 9,
            'min-zoomed-font-size': 7,
            color: text,
            'text-rotation': 'autorotate',
            'text-outline-color': bg,
            'text-outline-width': 2,
          },
        },
        { selector: 'edge[link = "weak"]', style: { 'line-style': 'dashed', 'line-color': '#cbd5e1', 'target-arrow-color': '#cbd5e1', width: 0.8 } },
        { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#facc15' } },
      ],
      layout: positions === undefined ? { name: 'breadthfirst', directed: true, fit: true, padding: 20 } : { name: 'preset', fit: true, padding: 20 },
    });
    c.on('tap', 'node', (ev) => {
      const id = ev.target.id() as string;
      const n = data.current.nodes.find((x) => x.id === id);
      if (n !== undefined) open.current(n);
    });
    // A large graph fitted whole is too small to read: start at a legible zoom on the attack.
    // The layout runs left to right from the attack, so it goes at the left edge, mid-height.
    if (c.zoom() < 0.6) {
      const at = c.nodes('[kind = "attack"]').first();
      const p = at.nonempty() ? at.position() : { x: 0, y: 0 };
      c.zoom(0.6);
      c.pan({ x: 60 - p.x * 0.6, y: c.height() / 2 - p.y * 0.6 });
    }
    cy.current = c;
    // For tests and the UI benchmark: the layout is done and the graph drawn.
    el.dataset['ready'] = 'true';
    return c;
  }

  const zoom = (f: number): void => {
    const c = cy.current;
    if (c === null) return;
    c.zoom({ level: c.zoom() * f, renderedPosition: { x: c.width() / 2, y: c.height() / 2 } });
  };
  return (
    <div className="graph-wrap">
      <div className="graph-tools" role="toolbar" aria-label="Graph zoom">
        <button type="button" onClick={() => zoom(1.25)} aria-label="Zoom in">+</button>
        <button type="button" onClick={() => zoom(0.8)} aria-label="Zoom out">−</button>
        <button type="button" onClick={() => cy.current?.fit(undefined, 20)}>Fit</button>
      </div>
      <div ref={box} className="graph" data-testid="graph" data-nodes={nodes.length} role="img" aria-label={`Entity graph with ${nodes.length} nodes and ${edges.length} relations`} />
    </div>
  );
}
