/**
 * The live page of node-discovery: one HTML document, no build step and no
 * framework. The table as it is when the page is asked for comes inside it
 * (drawn before the page has loaded, so a page dump shows it); then it
 * follows `/events` (server-sent events), redrawing on each change.
 */
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export const page = (nodes: unknown): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hypervisor nodes</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; }
  table { border-collapse: collapse; }
  th, td { text-align: left; padding: .3rem .8rem; border-bottom: 1px solid #ddd; }
  tr.gone td { color: #999; text-decoration: line-through; }
</style>
</head>
<body>
<h1>Hypervisor nodes</h1>
<p id="status">connecting…</p>
<table>
  <thead><tr><th>Node</th><th>Addresses</th><th>Hypervisor</th><th>Model</th><th>UUID</th><th>VMs</th><th>State</th></tr></thead>
  <tbody id="nodes"></tbody>
</table>
<script>
  const rows = new Map();
  const cell = (text) => { const td = document.createElement('td'); td.textContent = text; return td; };
  function draw() {
    const body = document.getElementById('nodes');
    body.replaceChildren();
    const list = [...rows.values()].sort((a, b) => Number(a.gone) - Number(b.gone) || a.name.localeCompare(b.name));
    for (const n of list) {
      const tr = document.createElement('tr');
      tr.className = n.gone ? 'gone' : 'up';
      tr.dataset.node = n.name;
      tr.append(cell(n.name), cell(n.addresses.join(' ')), cell([n.hypervisor, n.hypervisorVersion].filter(Boolean).join(' ')),
        cell([n.vendor, n.model].filter(Boolean).join(' ')), cell(n.uuid || ''),
        cell(n.vms.map((v) => v.name + ' (' + v.state + ')').join(', ')), cell(n.gone ? 'gone' : 'up'));
      body.append(tr);
    }
  }
  for (const n of ${scriptJson(nodes)}) rows.set(n.name, n);
  draw();
  document.getElementById('status').textContent = 'as of ' + new Date().toISOString();
  window.addEventListener('load', () => {
    const events = new EventSource('/events');
    events.onopen = () => { document.getElementById('status').textContent = 'live'; };
    events.onmessage = (m) => { const e = JSON.parse(m.data); rows.set(e.node.name, e.node); draw(); };
    events.onerror = () => { document.getElementById('status').textContent = 'reconnecting…'; };
  });
</script>
</body>
</html>
`;
