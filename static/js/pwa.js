// Installs the service worker (static/js/sw.js) and, on a page it answered from its stored
// copy, says when that copy was last updated; the copy is replaced once the network is back.
"use strict";
(function () {
  // Signing out clears what the site kept on the device (Clear-Site-Data), attendance marks
  // still waiting to be sent included (static/js/attendance_queue.js): ask first.
  document.addEventListener("submit", (event) => {
    const warning = event.target.dataset && event.target.dataset.unsentMarksWarning;
    if (!warning) return;
    let waiting = [];
    try {
      waiting = JSON.parse(window.localStorage.getItem("tpbis.attendance.marks") || "[]");
    } catch (error) {
      return;
    }
    if (waiting.length && !window.confirm(warning)) event.preventDefault();
  });

  if (!("serviceWorker" in navigator)) return;
  const script = document.currentScript;
  const copyTime = document.documentElement.dataset.offlineCopy;

  function showOfflineNote() {
    const note = document.querySelector("[data-offline-note]");
    const time = note && note.querySelector("time");
    const storedAt = new Date(copyTime);
    if (!time || Number.isNaN(storedAt.getTime())) return;
    const options = { dateStyle: "medium", timeStyle: "short", hour12: false };
    if (note.dataset.timeZone) options.timeZone = note.dataset.timeZone;
    time.dateTime = storedAt.toISOString();
    try {
      time.textContent = new Intl.DateTimeFormat(document.documentElement.lang, options).format(storedAt);
    } catch (error) {
      time.textContent = storedAt.toLocaleString();
    }
    note.hidden = false;
  }

  // The pages this one links to for offline use (links marked `data-offline`, such as the
  // delegate's menu) and every stored page are fetched again in the background, unless their
  // copy is a few minutes old: so they open offline even if they were never visited.
  // Resolves to whether the network answered.
  function refresh(worker, force) {
    const urls = Array.from(document.querySelectorAll("a[data-offline]"), (link) => link.href);
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data.refreshed);
      worker.postMessage({ type: "refresh", urls: urls, force: force }, [channel.port2]);
    });
  }

  // Back online: refresh the copies, then show this page as it is now if it was a copy. The
  // network often returns in steps; a few more tries a few seconds apart.
  function whenOnline(worker, triesLeft) {
    refresh(worker, true).then((refreshed) => {
      if (refreshed && copyTime) location.reload();
      if (!refreshed && triesLeft > 0) setTimeout(() => whenOnline(worker, triesLeft - 1), 3000);
    });
  }

  if (copyTime) showOfflineNote();
  navigator.serviceWorker.register(script.dataset.serviceWorker, { scope: "/" }).catch(() => {});
  navigator.serviceWorker.ready.then((registration) => {
    if (navigator.onLine && !copyTime) refresh(registration.active, false);
    window.addEventListener("online", () => whenOnline(registration.active, 5));
  });
})();
