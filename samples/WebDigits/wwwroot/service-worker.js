// Offline once loaded: every file the page fetches is answered from the network when there is one (so a new version
// is picked up at once) and kept in a cache that answers when there is none. digits.js fills the cache on the first
// visit with everything the page can need later: the files already loaded, the other networks and the replay digits.
const CACHE = 'webdigits';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET' || new URL(event.request.url).origin !== self.location.origin) return;
  event.respondWith(networkThenCache(event.request));
});

async function networkThenCache(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (offline) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw offline;
  }
}
