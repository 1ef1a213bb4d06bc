/**
 * The addresses to print on the start line. Without HOST the server listens on every interface, and
 * a maker opens it from a phone or another computer at the machine's LAN address, not at
 * localhost: so every non-internal IPv4 address is listed beside localhost. With BASE_URL pinned,
 * that is the one address sign-in accepts, so it comes first.
 */
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

export function listenUrls(address: AddressInfo, options: { host?: string; baseUrl: string; baseUrlPinned: boolean }): string[] {
  const port = address.port;
  const urls: string[] = [];
  if (options.baseUrlPinned) urls.push(options.baseUrl.replace(/\/$/, ''));
  if (options.host) {
    urls.push(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${port}`);
  } else {
    urls.push(`http://localhost:${port}`);
    for (const list of Object.values(networkInterfaces()))
      for (const ni of list ?? []) if (ni.family === 'IPv4' && !ni.internal) urls.push(`http://${ni.address}:${port}`);
  }
  return [...new Set(urls)];
}
