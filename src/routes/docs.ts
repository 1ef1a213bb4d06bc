/**
 * /api/docs: a self-contained page rendered from the OpenAPI document (no CDN: the service must
 * work offline), listing every operation with its parameters and responses.
 */
import { Hono } from 'hono';

export function docsRoutes() {
  const app = new Hono();
  app.get('/api/docs', (c) => c.html(DOCS_PAGE));
  return app;
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>image-to-stl API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{margin-bottom:0}.op{border:1px solid #d0d7de;border-radius:8px;margin:1rem 0;padding:.75rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.delete{color:#c20}.put{color:#a60}code{background:#f3f4f6;padding:0 .25rem;border-radius:4px}
</style></head><body>
<h1>image-to-stl API</h1><p>OpenAPI document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
Authenticate with the session cookie from <code>/api/auth/sign-in/email</code> or an API key in <code>x-api-key</code>.</p>
<main id="ops">Loading…</main>
<script>
fetch('/api/v1/openapi.json').then(r=>r.json()).then(doc=>{
  const esc=s=>String(s).replace(/[&<>"]/g,ch=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[ch]));
  const out=[];
  for(const [path,item] of Object.entries(doc.paths)) for(const [method,op] of Object.entries(item)){
    const params=(op.parameters||[]).map(p=>'<code>'+esc(p.name)+'</code> ('+esc(p.in)+')').join(', ');
    const responses=Object.entries(op.responses||{}).map(([s,r])=>'<code>'+esc(s)+'</code> '+esc(r.description||'')).join('; ');
    out.push('<section class="op"><div><span class="m '+method+'">'+method+'</span> <code>'+esc(path)+'</code></div><p>'+esc(op.summary||'')+'</p>'+
      (params?'<p>Parameters: '+params+'</p>':'')+'<p>Responses: '+responses+'</p></section>');
  }
  document.getElementById('ops').innerHTML=out.join('');
});
</script></body></html>`;
