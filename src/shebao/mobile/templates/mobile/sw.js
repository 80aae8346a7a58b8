/* shebao app service worker (scope /app/): network first, the cache when the signal fails.
   Kept: the app's public pages (home, guides, policies, employment), the last nearby result,
   the static files. Never kept: personal pages (my information, messages) nor any API answer
   but the guides and the last nearby search. */
"use strict";
const CACHE = "{{ version }}";
const PRECACHE = {{ precache|safe }};
const OFFLINE = "/app/offline/";
const LAST_NEARBY_PAGE = "/app/nearby/?last";
const LAST_NEARBY_API = "/api/v1/app/outlets/nearby?last";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function cacheKey(url) {
  const path = url.pathname;
  if (path === "/app/nearby/") return url.search ? LAST_NEARBY_PAGE : path;
  if (path === "/api/v1/app/outlets/nearby") return LAST_NEARBY_API;
  if (path === "/app/" || path.startsWith("/app/guides/") || path === "/app/policies/" || path === "/app/jobs/"
      || path === OFFLINE || path === "/app/manifest.webmanifest" || path.startsWith("/app/icons/")
      || path.startsWith("/static/") || path === "/api/v1/app/guides") {
    return url.pathname + url.search;
  }
  return null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const key = cacheKey(url);
  if (key === null) {
    // a page never kept (a personal one): the network only, and without it the offline page
    if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
      event.respondWith(fetch(request).catch(() => fallback(OFFLINE, request)));
    }
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)));
        }
        return response;
      })
      .catch(() => fallback(key, request))
  );
});

async function fallback(key, request) {
  const hit = await caches.match(key);
  if (hit) return hit;
  if (request.mode === "navigate") {
    const page = await caches.match(OFFLINE);
    if (page) return page;
  }
  return Response.error();
}
