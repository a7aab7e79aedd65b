// The service worker (served at /sw.js by tpbis.pwa.service_worker, which puts CONFIG first).
//
// - Static files: from the copy stored here first, else the network (their names change
//   with their content in production, so a stored copy is never out of date).
// - Every other GET goes to the network first. A page is stored only when its response says
//   `Tpbis-Offline: keep`; a stored copy is dropped when the network answers that page with
//   anything else (signed out, no longer a delegate). Without a network, or when the server
//   fails (5xx), a stored copy is served, marked with the time it was stored so the page can
//   say how old it is; a page without a copy gets the offline page.
// - Pages ask for a refresh of the stored copies on every visit and when the network comes
//   back; copies younger than REFRESH_AFTER_MS are left alone. Those requests carry the copy's
//   ETag, so a page that has not changed costs a "304 Not Modified".
// Signing out clears everything (`Clear-Site-Data` on the sign-out response).
/* global CONFIG */
"use strict";

const STATIC_CACHE = `tpbis-static-${CONFIG.version}`;
const PAGES_CACHE = "tpbis-pages";
const STORED_AT = "Tpbis-Stored-At";
const REFRESH_AFTER_MS = 5 * 60 * 1000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => cache.addAll(CONFIG.precache))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("tpbis-static-") && name !== STATIC_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(request));
  } else {
    event.respondWith(networkFirst(event));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "refresh") {
    const reply = event.ports[0];
    event.waitUntil(
      refresh(event.data.urls || [], event.data.force ? 0 : REFRESH_AFTER_MS).then((refreshed) => {
        if (reply) reply.postMessage({ refreshed: refreshed });
      }),
    );
  }
});

async function staticFile(request) {
  const stored = await caches.match(request, { ignoreVary: true });
  if (stored) return stored;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function networkFirst(event) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return (await storedCopy(request)) || offlinePage(request);
  }
  if (response.status >= 500) {
    return (await storedCopy(request)) || response;
  }
  // Only a kept page is copied: a copy of any other response (a large download) that nobody
  // reads would be held in memory.
  event.waitUntil(isKept(response) ? store(request.url, response.clone()) : forget(request.url));
  return response;
}

function isKept(response) {
  return response.ok && response.headers.get("Tpbis-Offline") === "keep";
}

async function store(url, response) {
  const headers = new Headers(response.headers);
  // The body is stored decoded, and its length changes when it is marked as a copy.
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  headers.set(STORED_AT, new Date().toISOString());
  const body = await response.blob();
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(url, new Response(body, { status: 200, headers }));
}

// The server no longer says "keep" (signed out, no longer a delegate): the copy goes.
async function forget(url) {
  const cache = await caches.open(PAGES_CACHE);
  await cache.delete(url);
}

// A stored page, its <html> element marked with the time it was stored.
async function storedCopy(request) {
  const cache = await caches.open(PAGES_CACHE);
  const stored = await cache.match(request.url, { ignoreVary: true });
  if (!stored) return null;
  const type = stored.headers.get("Content-Type") || "";
  if (!type.startsWith("text/html")) return stored;
  const storedAt = stored.headers.get(STORED_AT) || "";
  const html = (await stored.text()).replace(
    /<html\b/i,
    `<html data-offline-copy="${storedAt.replace(/[^0-9TZ:.-]/g, "")}"`,
  );
  return new Response(html, { status: 200, headers: stored.headers });
}

async function offlinePage(request) {
  if (request.mode === "navigate") {
    const page = await caches.match(CONFIG.offlinePage, { ignoreVary: true });
    if (page) return page;
  }
  return Response.error();
}

// Fetches again the stored pages (and `urls`, the pages the current one links to for offline
// use) whose copy is older than `maxAgeMs`. Resolves to false if the network did not answer.
async function refresh(urls, maxAgeMs) {
  const cache = await caches.open(PAGES_CACHE);
  const stored = (await cache.keys()).map((request) => request.url);
  const wanted = new Set([...stored, ...urls.filter((url) => new URL(url).origin === self.location.origin)]);
  const now = Date.now();
  for (const url of wanted) {
    const copy = await cache.match(url, { ignoreVary: true });
    const storedAt = copy ? Date.parse(copy.headers.get(STORED_AT) || "") : NaN;
    if (copy && now - storedAt < maxAgeMs) continue;
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin" });
    } catch (error) {
      return false; // offline again: keep every copy as it is
    }
    if (isKept(response)) await store(url, response);
    else if (response.status < 500) await forget(url);
  }
  return true;
}
