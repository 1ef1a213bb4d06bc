/** The Worker the workerd test pool loads; the tests reach bindings through `cloudflare:test`. */
export default { fetch: () => new Response('image-to-stl test worker') };
