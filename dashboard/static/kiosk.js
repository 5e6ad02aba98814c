// Polls /api/state once a second and renders the visitor list; no external code.
"use strict";

const POLL_MS = 1000;
const RECEIPT_SHOWN_S = 15;

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function seconds(value) {
  return value === null || value === undefined ? "–" : `${Math.round(value)} s`;
}

function renderVisitor(v) {
  const item = el("li", v.in_view ? "visitor" : "visitor away");
  item.dataset.visitor = v.id;
  item.append(el("h3", "", `Visitor ${v.id}` + (v.in_view ? " — in view" : "")));
  const times = v.sightings === 1 ? "once" : `${v.sightings} times`;
  item.append(el("p", "", `Seen ${times}, ${seconds(v.seconds_in_view)} in view in total.`));
  item.append(el("p", "", `First seen at ${seconds(v.first_seen_s)}, last at ${seconds(v.last_seen_s)} into the session.`));
  if (v.returning) item.append(el("p", "", "Recognised again when they came back."));
  if (v.clothing) item.append(el("p", "", `Wearing ${v.clothing}.`));
  if (v.cues) {
    const cues = [];
    if (v.cues.looking_at_camera) cues.push("looking at the camera");
    if (v.cues.smiling) cues.push("smiling");
    if (v.cues.eyes_closed) cues.push("eyes closed");
    if (cues.length) item.append(el("p", "", `Right now: ${cues.join(", ")}.`));
  }
  if (v.attention !== null && v.attention !== undefined) {
    item.append(el("p", "", `Looked at the camera ${Math.round(v.attention * 100)}% of the time.`));
  }
  if (v.companions.length) {
    const names = v.companions.map((c) => `Visitor ${c.id}`).join(", ");
    item.append(el("p", "", `Seen together with ${names}.`));
  }
  if (v.watchlist) {
    item.append(el("p", "hit",
      `Watchlist match: ${v.watchlist.label} (similarity ${Math.round(v.watchlist.similarity * 100)}%).`));
  }
  return item;
}

function render(state) {
  const list = document.getElementById("visitors");
  list.replaceChildren(...state.visitors.map(renderVisitor));
  document.getElementById("empty").hidden = state.visitors.length > 0;
  const s = state.session;
  document.getElementById("session").textContent = s.active
    ? `Session ${s.number}: ${s.visitors} visitor(s) on record.` +
      (s.wipe_in_s !== null ? ` Wiped in ${seconds(s.wipe_in_s)} if nobody is in view.` : "")
    : `Session ${s.number}: nothing on record.`;
  const receipt = document.getElementById("receipt");
  if (state.last_wipe && !s.active && state.last_wipe.seconds_ago < RECEIPT_SHOWN_S) {
    const w = state.last_wipe;
    receipt.textContent = `Wiped: ${w.visitors} visitor(s), ${w.encodings} faceprint(s), ` +
      `${w.sightings} sighting(s), ${w.trajectory_points} position(s) deleted.`;
    receipt.hidden = false;
  } else {
    receipt.hidden = true;
  }
  const h = state.health;
  document.getElementById("health").textContent =
    `${h.camera} · ${h.fps.toFixed(0)} fps · analysis ${h.analysis_fps.toFixed(1)} fps`;
  document.getElementById("camera-state").textContent = h.camera_ok ? "" : "Camera reconnecting…";
}

function listen() {
  // Server-sent events when available; polling otherwise (or after the stream fails).
  if (!window.EventSource) return poll();
  const source = new EventSource("/events");
  source.onmessage = (event) => render(JSON.parse(event.data));
  source.onerror = () => {
    document.getElementById("camera-state").textContent = "Connection to Oko lost; retrying…";
  };
}

async function poll() {
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    if (response.ok) render(await response.json());
  } catch (err) {
    document.getElementById("camera-state").textContent = "Connection to Oko lost; retrying…";
  }
  setTimeout(poll, POLL_MS);
}

listen();
