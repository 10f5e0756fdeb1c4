// Small SVG charts drawn by hand: grouped bars over time, and horizontal stacked bars.
const NS = "http://www.w3.org/2000/svg";
const COLOURS = ["#0b5cad", "#5fa8e8", "#e8a33d", "#b3261e"];

function el(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(width, height, title) {
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  svg.appendChild(el("title", {}, title));
  return svg;
}

// points: [{label, values: [n, n]}]; series: names of the values. Labels every `every` points.
export function groupedBars(points, series, title, every = 1) {
  const width = 720, height = 220, left = 34, bottom = 26, top = 10;
  const svg = frame(width, height, title);
  const max = Math.max(1, ...points.flatMap((p) => p.values));
  const slot = (width - left) / Math.max(1, points.length);
  const bar = Math.max(1, (slot - 2) / series.length);
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  for (const tick of [0, Math.ceil(max / 2), max]) {
    svg.appendChild(el("line", { x1: left, x2: width, y1: y(tick), y2: y(tick), stroke: "#d8dee6" }));
    svg.appendChild(el("text", { x: left - 4, y: y(tick) + 4, "text-anchor": "end", "font-size": 11, fill: "#5b6775" }, tick));
  }
  points.forEach((p, i) => {
    p.values.forEach((v, s) => {
      const x = left + i * slot + 1 + s * bar;
      const rect = el("rect", { x, y: y(v), width: Math.max(1, bar - 1), height: Math.max(0, y(0) - y(v)), fill: COLOURS[s] });
      rect.appendChild(el("title", {}, `${p.label}: ${series[s]} ${v}`));
      svg.appendChild(rect);
    });
    if (i % every === 0) {
      svg.appendChild(el("text", { x: left + i * slot + slot / 2, y: height - 8, "text-anchor": "middle", "font-size": 11, fill: "#5b6775" }, p.label));
    }
  });
  return svg;
}

// rows: [{label, values: [n, n, n, n]}] stacked left to right.
export function stackedBars(rows, series, title) {
  const width = 720, rowHeight = 26, left = 190;
  const height = Math.max(1, rows.length) * rowHeight + 10;
  const svg = frame(width, height, title);
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  rows.forEach((r, i) => {
    const yTop = 5 + i * rowHeight;
    svg.appendChild(el("text", { x: left - 6, y: yTop + 16, "text-anchor": "end", "font-size": 12, fill: "#1d2733" }, r.label));
    let x = left;
    r.values.forEach((v, s) => {
      const w = ((width - left - 40) * v) / max;
      if (v > 0) {
        const rect = el("rect", { x, y: yTop + 3, width: w, height: rowHeight - 8, fill: COLOURS[s] });
        rect.appendChild(el("title", {}, `${r.label} ${series[s]}: ${v}`));
        svg.appendChild(rect);
      }
      x += w;
    });
    svg.appendChild(el("text", { x: x + 4, y: yTop + 16, "font-size": 12, fill: "#5b6775" }, r.values.reduce((a, b) => a + b, 0)));
  });
  return svg;
}

export function legend(series) {
  const box = document.createElement("div");
  box.className = "legend";
  series.forEach((name, i) => {
    const item = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = `swatch s${i}`;
    item.append(swatch, name);
    box.appendChild(item);
  });
  return box;
}

// The chart's figures as a table for screen readers (and anyone who wants the numbers): hidden from sight.
export function chartTable(caption, columns, rows) {
  const table = document.createElement("table");
  table.className = "sr-only chart-table";
  const cell = (tag, text, scope) => {
    const node = document.createElement(tag);
    node.textContent = String(text);
    if (scope) node.setAttribute("scope", scope);
    return node;
  };
  const head = document.createElement("tr");
  columns.forEach((c) => head.appendChild(cell("th", c, "col")));
  table.append(cell("caption", caption), document.createElement("thead"), document.createElement("tbody"));
  table.tHead.appendChild(head);
  rows.forEach((r) => {
    const row = document.createElement("tr");
    row.append(cell("th", r.label, "row"), ...r.values.map((v) => cell("td", v)));
    table.tBodies[0].appendChild(row);
  });
  return table;
}
