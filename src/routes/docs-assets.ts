/** The docs page's script and style, served as files so the page works under a strict CSP. */
export const DOCS_SCRIPT = `fetch('/api/v1/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
  var esc = function (s) { return String(s).replace(/[&<>"]/g, function (ch) { return ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]; }); };
  var out = [];
  Object.keys(doc.paths).forEach(function (path) {
    var item = doc.paths[path];
    Object.keys(item).forEach(function (method) {
      var op = item[method];
      var params = (op.parameters || []).map(function (p) { return '<code>' + esc(p.name) + '</code> (' + esc(p.in) + ')'; }).join(', ');
      var responses = Object.keys(op.responses || {}).map(function (s) { return '<code>' + esc(s) + '</code> ' + esc(op.responses[s].description || ''); }).join('; ');
      out.push('<section class="op"><div><span class="m ' + method + '">' + method + '</span> <code>' + esc(path) + '</code></div><p>' + esc(op.summary || '') + '</p>' +
        (params ? '<p>Parameters: ' + params + '</p>' : '') + '<p>Responses: ' + responses + '</p></section>');
    });
  });
  document.getElementById('ops').innerHTML = out.join('');
});
`;

export const DOCS_STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{margin-bottom:0}.op{border:1px solid #d0d7de;border-radius:8px;margin:1rem 0;padding:.75rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a6}.post{color:#0550ae}.delete{color:#b3261e}.put{color:#7a4a00}code{background:#f3f4f6;padding:0 .25rem;border-radius:4px}
`;
