/* The hospital desk's service worker (scope /desk): keeps the desk page, its files and the
 * issuer's keys so that the desk opens and checks cards without a connection. The page and the
 * keys are fetched afresh when online (network first); the files are versioned by their URL
 * (cache first). Nothing else is cached: the API's answers never are. */
"use strict";
const CACHE = "sevasetu-desk-v1";
const PAGE = "/desk";
const KEYS = "/desk/keys.json";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([PAGE, KEYS])).catch(() => {}));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("sevasetu-desk-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(request.url.split("?")[0], response.clone());
    return response;
  } catch (e) {
    const saved = await cache.match(request.url.split("?")[0]);
    if (saved) return saved;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(request);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE || url.pathname === KEYS) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
});
