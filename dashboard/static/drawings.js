// Small SVG drawings for the profile cards: the path in view and the companions graph.
"use strict";

const NS = "http://www.w3.org/2000/svg";
const WIDTH = 160;

function svgEl(tag, attrs, cls) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (cls) node.setAttribute("class", cls);
  return node;
}

/** An empty <svg role="img"> to draw into; its label says in words what it shows. */
export function newDrawing() {
  return svgEl("svg", { role: "img", viewBox: `0 0 ${WIDTH} 90`, preserveAspectRatio: "xMidYMid meet" });
}

/**
 * Draw a path of [t, x, y] points (x, y as 0–1 of the frame) into `svg`, the latest point
 * as a dot. `aspect` is the camera picture's width / height.
 */
export function drawPath(svg, points, aspect, label) {
  const height = Math.round(WIDTH / (aspect > 0 ? aspect : 16 / 9));
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
  svg.setAttribute("aria-label", label);
  const parts = [svgEl("rect", { x: 0.5, y: 0.5, width: WIDTH - 1, height: height - 1, rx: 3 }, "path-frame")];
  const xy = points.map(([, x, y]) => [(x * WIDTH).toFixed(1), (y * height).toFixed(1)]);
  if (xy.length > 1) {
    parts.push(svgEl("polyline", { points: xy.map((p) => p.join(",")).join(" ") }, "path-line"));
  }
  if (xy.length) {
    const [x, y] = xy[xy.length - 1];
    parts.push(svgEl("circle", { cx: x, cy: y, r: 4 }, "path-now"));
  }
  svg.replaceChildren(...parts);
}

/**
 * Draw `selfId` in the middle and each companion ({id, seconds}) around it; the thicker the
 * line, the longer they were seen together.
 */
export function drawCompanions(svg, selfId, companions, label) {
  // Wider than the path drawing, with labels big enough to read from two metres.
  const width = 2 * WIDTH, height = 130;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("aria-label", label);
  const cx = width / 2, cy = height / 2;
  const shown = companions.slice(0, 8);
  const edges = [], nodes = [];
  shown.forEach((c, i) => {
    const angle = (2 * Math.PI * i) / Math.max(shown.length, 1) - Math.PI / 2;
    const x = cx + 130 * Math.cos(angle), y = cy + 42 * Math.sin(angle);
    const stroke = 1 + Math.min(6, (c.seconds || 0) / 3);
    edges.push(svgEl("line", { x1: cx, y1: cy, x2: x.toFixed(1), y2: y.toFixed(1), "stroke-width": stroke.toFixed(1) }, "graph-edge"));
    nodes.push(svgEl("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 21 }, "graph-node"));
    const text = svgEl("text", { x: x.toFixed(1), y: y.toFixed(1) }, "graph-label");
    text.textContent = c.id;
    nodes.push(text);
  });
  const self = svgEl("circle", { cx, cy, r: 24 }, "graph-node self");
  const selfText = svgEl("text", { x: cx, y: cy }, "graph-label");
  selfText.textContent = selfId;
  svg.replaceChildren(...edges, ...nodes, self, selfText);
}
