/** A Cache-Control header's directives: `max-age=60` as '60', a bare directive (`public`, `no-cache`) as true. */
export function parseCacheControl(value: string | string[] | undefined): Record<string, string | true> {
  const cc: Record<string, string | true> = {};
  const text = Array.isArray(value) ? value.join(', ') : value;
  if (!text) return cc;
  for (const part of text.trim().split(/\s*,\s*/)) {
    const [k, v] = part.split(/\s*=\s*/, 2);
    cc[k!] = v === undefined ? true : v.replace(/^"|"$/g, '');
  }
  return cc;
}
