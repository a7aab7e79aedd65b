// Attendance without a connection: the attendance list's Present and Absent buttons and the
// badge scanner put each mark in a queue kept on the device (localStorage), with the time it
// was made and a key of its own, and send the queue whenever there is a connection. The server
// saves a key once and lets the mark made last decide, so sending twice or late is harmless.
// Without this script each button is a form sent at once, as before.
(function () {
  "use strict";

  var STORE = "tpbis.attendance.marks";
  var BATCH = 50;
  var RETRY_MS = 20000;

  function start() {
    var box = document.getElementById("mark-queue");
    if (!box || !window.fetch || !window.localStorage || !window.crypto) return;
    var syncUrl = box.dataset.syncUrl;
    var sending = false;
    var failed = false;
    var message = "";

    function load() {
      try {
        var queue = JSON.parse(window.localStorage.getItem(STORE) || "[]");
        return Array.isArray(queue) ? queue : [];
      } catch (error) {
        return [];
      }
    }

    function store(queue) {
      window.localStorage.setItem(STORE, JSON.stringify(queue));
    }

    function newKey() {
      if (window.crypto.randomUUID) return window.crypto.randomUUID();
      // Older browsers, and pages not served over HTTPS: a version 4 UUID by hand.
      var bytes = window.crypto.getRandomValues(new Uint8Array(16));
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      var hex = Array.prototype.map.call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      }).join("");
      return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
        hex.slice(16, 20) + "-" + hex.slice(20);
    }

    function csrfToken() {
      // The cookie is the freshest (signing in again renews it); a page kept offline still
      // has the token of its own forms.
      var cookie = document.cookie.split("; ").filter(function (part) {
        return part.indexOf("csrftoken=") === 0;
      })[0];
      if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
      var field = document.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }

    function enqueue(mark) {
      mark.key = newKey();
      mark.url = syncUrl;
      mark.marked_at = new Date().toISOString();
      var queue = load();
      queue.push(mark);
      store(queue);
      message = "";
      render();
      send();
      return mark;
    }

    function waitingHere() {
      return load().filter(function (mark) { return mark.url === syncUrl; });
    }

    // The attendance list.

    function rowOf(assignment) {
      return document.getElementById("assignment-" + assignment);
    }

    function stateOf(row) {
      if (row.classList.contains("is-present")) return true;
      if (row.classList.contains("is-absent")) return false;
      return null;
    }

    function showState(row, attended) {
      row.classList.toggle("is-present", attended === true);
      row.classList.toggle("is-absent", attended === false);
      var present = row.querySelector("button.toggle.present");
      var absent = row.querySelector("button.toggle.absent");
      if (present) present.setAttribute("aria-pressed", String(attended === true));
      if (absent) absent.setAttribute("aria-pressed", String(attended === false));
    }

    // A line of the row's own, marked with the attribute `name`: set, or removed when empty.
    function note(row, name, text, className) {
      var who = row.querySelector(".who");
      var line = who.querySelector("[" + name + "]");
      if (!text) {
        if (line) line.remove();
        return;
      }
      if (!line) {
        line = document.createElement("p");
        line.className = className;
        line.setAttribute(name, "");
        who.appendChild(line);
      }
      line.textContent = text;
    }

    function recount() {
      var counts = document.getElementById("attendance-counts");
      if (!counts) return;
      var rows = document.querySelectorAll(".attendance-row");
      var tally = [0, 0, 0];
      Array.prototype.forEach.call(rows, function (row) {
        var state = stateOf(row);
        tally[state === true ? 0 : state === false ? 1 : 2] += 1;
      });
      var numbers = counts.querySelectorAll(".stat-number");
      if (numbers.length !== 3) return;
      for (var n = 0; n < 3; n += 1) numbers[n].textContent = String(tally[n]);
    }

    document.addEventListener("submit", function (event) {
      var form = event.target;
      var row = form.closest && form.closest(".attendance-row");
      if (!row) return;
      // The queue sends this mark: neither the plain form nor htmx does.
      event.preventDefault();
      event.stopPropagation();
      var status = form.querySelector("input[name=status]").value;
      var attended = status === "present" ? true : status === "absent" ? false : null;
      var before = stateOf(row);
      if (before === attended && !row.querySelector("[data-pending]")) return;
      enqueue({
        assignment: Number(form.querySelector("input[name=assignment]").value),
        attended: attended,
        before: before,
      });
      note(row, "data-refused", "");
      showState(row, attended);
    }, true);

    // The badge scanner.

    var scanForm = document.getElementById("scan-form");
    var people = [];
    var peopleData = document.getElementById("scan-people");
    if (peopleData) {
      try {
        people = JSON.parse(peopleData.textContent) || [];
      } catch (error) {
        people = [];
      }
    }
    var lastScan = null;

    function badgeCode(text) {
      text = text.trim();
      // As the server reads it: badge codes have no slash, so a link ends with the code.
      if (text.indexOf("/") !== -1) text = text.replace(/\/+$/, "").split("/").pop();
      return text;
    }

    function showScan(kind, state, name, detail) {
      var outcome = document.getElementById("scan-outcome");
      if (!outcome) return;
      var result = document.createElement("div");
      result.className = "scan-result " + kind;
      [[state, "scan-state"], [name, "scan-name"], [detail, "meta"]].forEach(function (part) {
        if (!part[0]) return;
        var line = document.createElement("p");
        line.className = part[1];
        line.textContent = part[0];
        result.appendChild(line);
      });
      outcome.replaceChildren(result);
    }

    if (scanForm) {
      var input = scanForm.querySelector("input[name=code]");
      var words = document.getElementById("scan-outcome").dataset;
      scanForm.addEventListener("submit", function (event) {
        var code = badgeCode(input.value);
        if (!code) return; // the server says the field is required
        event.preventDefault();
        input.value = "";
        input.focus();
        var person = people.filter(function (p) { return p.badge === code; })[0];
        if (person && person.attended === true) {
          // A repeated scan changes nothing, as on the server.
          showScan("repeat", words.already, person.name, person.native);
          return;
        }
        lastScan = enqueue({ badge: code, attended: true }).key;
        if (person) {
          person.attended = true;
          showScan("ok", "✓ " + words.present, person.name, box.dataset.waiting);
        } else {
          showScan("repeat", box.dataset.waiting, code, words.unknown);
        }
      });
    }

    // Sending.

    function settle(results) {
      var done = {};
      results.forEach(function (result) { done[result.key] = result; });
      var queue = load();
      store(queue.filter(function (mark) { return !done[mark.key]; }));
      queue.forEach(function (mark) {
        var result = done[mark.key];
        if (!result || mark.url !== syncUrl) return;
        var row = mark.assignment ? rowOf(mark.assignment) : null;
        if (row && result.status === "error") {
          showState(row, mark.before === undefined ? null : mark.before);
          note(row, "data-refused", box.dataset.refused + " " + result.message, "meta error");
        } else if (row) {
          showState(row, result.attended);
          row.querySelector("[data-record]").innerHTML = result.record;
        }
        if (mark.key === lastScan) {
          if (result.status === "error") {
            showScan("fail", document.getElementById("scan-outcome").dataset.failed, "",
              result.message);
          } else {
            showScan("ok", "✓ " + document.getElementById("scan-outcome").dataset.present,
              result.name, result.message);
          }
        }
      });
      recount();
    }

    function send() {
      if (sending) return;
      var queue = load();
      if (!queue.length) {
        render();
        return;
      }
      if (navigator.onLine === false) {
        render();
        return;
      }
      sending = true;
      var url = queue[0].url;
      var batch = queue.filter(function (mark) { return mark.url === url; }).slice(0, BATCH);
      window.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({
          marks: batch.map(function (mark) {
            return {
              key: mark.key,
              assignment: mark.assignment,
              badge: mark.badge,
              attended: mark.attended,
              marked_at: mark.marked_at,
            };
          }),
        }),
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        // A sign-in page or an error page: keep the marks for later.
        if (!response.ok || type.indexOf("application/json") === -1) throw new Error("refused");
        return response.json();
      }).then(function (body) {
        sending = false;
        failed = false;
        settle(body.results || []);
        message = load().length ? "" : box.dataset.sent;
        send();
      }).catch(function () {
        sending = false;
        failed = navigator.onLine !== false;
        render();
      });
    }

    function render() {
      var waiting = waitingHere();
      var pending = {};
      waiting.forEach(function (mark) {
        if (mark.assignment) pending[mark.assignment] = mark;
      });
      Array.prototype.forEach.call(document.querySelectorAll(".attendance-row"), function (row) {
        var id = row.id.replace("assignment-", "");
        var mark = pending[id];
        if (mark) showState(row, mark.attended);
        note(row, "data-pending", mark ? box.dataset.waiting : "", "meta pending");
      });
      recount();
      var offline = navigator.onLine === false;
      box.querySelector("[data-connection]").textContent =
        offline ? box.dataset.offline : failed ? box.dataset.notSent : "";
      var count = waiting.length;
      box.querySelector("[data-count]").textContent = count === 0 ? message
        : count === 1 ? box.dataset.waitingOne
        : box.dataset.waitingMany.replace("{count}", String(count));
      box.querySelector("[data-send]").hidden = offline || count === 0;
      box.classList.toggle("is-offline", offline);
      box.classList.toggle("is-done", !offline && !failed && count === 0);
      box.hidden = !(offline || failed || count || message);
    }

    box.querySelector("[data-send]").addEventListener("click", send);
    window.addEventListener("online", send);
    window.addEventListener("offline", render);
    window.addEventListener("storage", function (event) {
      if (event.key === STORE) render();
    });
    window.setInterval(send, RETRY_MS);
    render();
    send();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
