/* The hospital desk (docs/hospital-continuity.md): works offline.
 * - A service worker (/desk-sw.js, scope /desk) keeps this page, its files and the keys.
 * - Cards are compact JWS (ES256): checked here with WebCrypto against the saved JWKS, the
 *   revocation lists and today's date in the deployment's zone.
 * - Admissions and discharges go to IndexedDB with ids and idempotency keys made here, and are
 *   sent to POST /api/v1/hospital-events when the service answers; each is marked with the
 *   answer (recorded, already recorded, refused), so sending again never records twice. */
"use strict";
(function () {
  const settings = JSON.parse(document.getElementById("desk-settings").textContent);
  const W = settings.words;
  const BATCH = 50;
  const KEYS = "/desk/keys.json";
  const $ = (id) => document.getElementById(id);
  let keys = null;
  let checked = null; // the claims and text of the last valid card
  let sending = false;
  let retryTimer = null;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? String(values[k]) : m));
  }

  function notice(text, bad) {
    const box = $("desk-message");
    box.hidden = !text;
    box.className = bad ? "alert" : "notice";
    box.querySelector("p").textContent = text || "";
  }

  // --- IndexedDB -------------------------------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("sevasetu-desk", 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore("events", { keyPath: "id" });
        store.createIndex("seq", "seq");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  const dbReady = openDb();

  async function tx(mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const t = db.transaction("events", mode);
      const result = work(t.objectStore("events"));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }
  const allEvents = () => tx("readonly", (s) => s.index("seq").getAll());
  const putEvent = (e) => tx("readwrite", (s) => s.put(e));

  // --- keys ----------------------------------------------------------------------------
  async function loadKeys() {
    try {
      const response = await fetch(KEYS, { cache: "no-cache" });
      if (!response.ok) throw new Error(String(response.status));
      keys = await response.json();
      localStorage.setItem("sevasetu-desk-keys", JSON.stringify(keys));
      localStorage.setItem("sevasetu-desk-keys-at", new Date().toISOString());
    } catch (e) {
      const saved = localStorage.getItem("sevasetu-desk-keys");
      keys = saved ? JSON.parse(saved) : null;
    }
    const at = localStorage.getItem("sevasetu-desk-keys-at");
    $("keys-state").textContent = keys ? say(W.keysSaved, { when: local(at) }) : W.noKeys;
  }

  // --- cards -----------------------------------------------------------------------------
  function b64uBytes(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    const raw = atob(b64);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  const b64uJson = (text) => JSON.parse(new TextDecoder().decode(b64uBytes(text)));

  function local(iso) {
    // An instant as the deployment's local day and time, e.g. 2026-11-25 23:33.
    if (!iso) return "";
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: settings.timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(iso));
    const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
    return v.year + "-" + v.month + "-" + v.day + " " + v.hour + ":" + v.minute;
  }

  function today() {
    // The day in the deployment's zone, as the server judges validity.
    return new Intl.DateTimeFormat("en-CA", { timeZone: settings.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  }

  async function verifyCard(text) {
    const jws = text.replace(/\s+/g, "");
    const parts = jws.split(".");
    if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts.join(""))) throw new Error(W.notCard);
    let header, claims;
    try {
      header = b64uJson(parts[0]);
      claims = b64uJson(parts[1]);
    } catch (e) {
      throw new Error(W.notCard);
    }
    if (header.alg !== "ES256" || header.zip || !claims.card || claims.card.typ !== "sevasetu-eligibility-card/1") throw new Error(W.notCard);
    if (!keys) throw new Error(W.noKeys);
    const jwk = (keys.jwks.keys || []).find((k) => k.kid === header.kid);
    if (!jwk) throw new Error(W.unknownKey);
    const key = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
      { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const signature = b64uBytes(parts[2]);
    const data = new TextEncoder().encode(parts[0] + "." + parts[1]);
    const good = signature.length === 64 && await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, data);
    if (!good) throw new Error(W.badSignature);
    for (const crl of keys.crls || []) {
      if (crl.kid !== header.kid) continue;
      for (const entry of crl.rids || []) {
        const [rid, stamp] = String(entry).split(".");
        if (rid === claims.jti && (!stamp || claims.iat < Number(stamp))) {
          const day = stamp ? new Date(Number(stamp) * 1000).toISOString().slice(0, 10) : "?";
          throw new Error(say(W.revoked, { day: day, reason: (crl.reasons || {})[rid] || "-" }));
        }
      }
    }
    const day = today();
    if (day < claims.card.valid_from || day > claims.card.valid_until) {
      throw new Error(say(W.expired, { from: claims.card.valid_from, until: claims.card.valid_until, today: day }));
    }
    return { jws: jws, claims: claims };
  }

  function showVerdict(ok, reason, claims) {
    const box = $("verdict");
    box.hidden = false;
    box.className = "verdict card " + (ok ? "valid" : "invalid");
    box.setAttribute("role", ok ? "status" : "alert");
    $("verdict-title").textContent = (ok ? "✓ " : "✗ ") + (ok ? W.valid : W.invalid);
    $("verdict-reason").textContent = reason || "";
    $("holder").hidden = !ok;
    $("admit-section").hidden = !ok;
    if (ok) {
      $("h-name").textContent = claims.card.name;
      $("h-born").textContent = claims.card.birth_year || "—";
      $("h-scheme").textContent = claims.card.scheme_name + " (" + claims.card.scheme + ")";
      $("h-until").textContent = claims.card.valid_until;
      $("h-card").textContent = claims.jti;
    }
  }

  $("check-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    notice("");
    try {
      checked = await verifyCard($("card-text").value);
      showVerdict(true, "", checked.claims);
    } catch (e) {
      checked = null;
      showVerdict(false, e.message);
    }
  });

  // --- the queue -------------------------------------------------------------------------
  let counter = 0;
  function newEvent(kind, body, holder) {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    counter += 1;
    return {
      id: id, seq: Date.now() * 1000 + (counter % 1000), status: "queued", problem: null, holder: holder,
      body: Object.assign({ id: id, idempotency_key: "desk:" + id, kind: kind, queued_at: now }, body),
    };
  }

  $("admit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checked) return;
    const amount = $("f-amount").value.trim();
    const c = checked.claims;
    const record = newEvent("admission", {
      facility_code: $("f-facility").value, person_id: c.sub, scheme_code: c.card.scheme,
      card_id: c.jti, admitted_at: new Date().toISOString(), package: $("f-package").value.trim(),
      amount: amount ? Number(amount) : null,
    }, c.card.name);
    await putEvent(record);
    $("admit-form").reset();
    $("admit-section").hidden = true;
    $("verdict").hidden = true;
    $("card-text").value = "";
    checked = null;
    notice(W.admitted);
    await render();
    replay();
  });

  async function discharge(admission) {
    const a = admission.body;
    const record = newEvent("discharge", {
      facility_code: a.facility_code, person_id: a.person_id, scheme_code: a.scheme_code,
      card_id: a.card_id, admission_id: a.id, discharged_at: new Date().toISOString(),
      package: a.package, amount: a.amount,
    }, admission.holder);
    await putEvent(record);
    notice(W.discharged);
    await render();
    replay();
  }

  async function render() {
    const events = await allEvents();
    const list = $("events");
    list.textContent = "";
    const discharged = new Set(events.filter((e) => e.body.kind === "discharge").map((e) => e.body.admission_id));
    for (const e of events.slice().reverse()) {
      const li = document.createElement("li");
      li.dataset.id = e.id;
      const what = document.createElement("span");
      what.className = "what";
      const when = local(e.body.admitted_at || e.body.discharged_at);
      const time = document.createElement("span");
      time.className = "when num";
      time.textContent = when;
      what.textContent = (e.body.kind === "admission" ? W.admission : W.discharge) + " · " + (e.holder || e.body.person_id) + " · ";
      what.append(time);
      const state = document.createElement("span");
      state.className = "state " + e.status;
      state.textContent = (W[e.status] || e.status) + (e.problem ? ": " + e.problem : "");
      li.append(what, state);
      if (e.body.kind === "admission" && !discharged.has(e.id)) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = W.discharge_button;
        button.addEventListener("click", () => discharge(e));
        li.append(button);
      }
      list.append(li);
    }
    $("no-events").hidden = events.length > 0;
  }

  // --- replay ----------------------------------------------------------------------------
  async function replay() {
    if (sending || !navigator.onLine) return;
    sending = true;
    clearTimeout(retryTimer);
    const totals = { sent: 0, recorded: 0, already: 0, refused: 0 };
    try {
      for (;;) {
        const pending = (await allEvents()).filter((e) => e.status === "queued").slice(0, BATCH);
        if (!pending.length) break;
        let response;
        try {
          response = await fetch("/api/v1/hospital-events", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify({ events: pending.map((e) => e.body) }),
          });
        } catch (e) {
          notice(W.offline, true);
          return;
        }
        if (response.status === 503) {
          const seconds = Number(response.headers.get("Retry-After")) || 60;
          notice(say(W.maintenance, { seconds: seconds }), true);
          retryTimer = setTimeout(replay, Math.min(seconds, 300) * 1000);
          return;
        }
        if (response.status === 401) { notice(W.login, true); return; }
        if (!response.ok) { notice((await response.json()).detail || String(response.status), true); return; }
        const answer = await response.json();
        const byKey = new Map(pending.map((e) => [e.body.idempotency_key, e]));
        for (const item of answer.items) {
          const e = byKey.get(item.idempotency_key);
          if (!e) continue;
          e.status = item.status;
          e.problem = item.problem ? item.problem.detail : null;
          e.answered_at = new Date().toISOString();
          await putEvent(e);
        }
        totals.sent += answer.items.length;
        totals.recorded += answer.recorded;
        totals.already += answer.already_recorded;
        totals.refused += answer.refused;
      }
      notice(totals.sent ? say(W.sent, totals) : "", totals.refused > 0);
    } finally {
      sending = false;
      await render();
    }
  }

  $("replay").addEventListener("click", async () => {
    const pending = (await allEvents()).filter((e) => e.status === "queued");
    if (!pending.length) { notice(W.nothing); return; }
    replay();
  });

  function showNet() {
    const net = $("net");
    net.textContent = navigator.onLine ? W.online : W.offlineShort;
    net.title = navigator.onLine ? "" : W.offline;
    net.className = "pill " + (navigator.onLine ? "online" : "offline");
  }
  window.addEventListener("online", () => { showNet(); loadKeys(); replay(); });
  window.addEventListener("offline", showNet);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/desk-sw.js", { scope: "/desk" }).catch(() => {});
  }
  showNet();
  loadKeys().then(render).then(() => { if (navigator.onLine) replay(); });
  setInterval(() => { if (navigator.onLine) replay(); }, 60000);
})();
