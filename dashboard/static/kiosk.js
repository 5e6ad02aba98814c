// The visitor screen: follows /events (server-sent events, once a second) and renders it.
// Read-only: the language buttons change only this screen; the facilitator's choice wins
// whenever the facilitator changes it.
"use strict";

import { Cards, fits, plateInfo } from "./cards.js";
import { renderCity } from "./city.js";
import { el, language, number, setLanguage, t } from "./i18n.js";
import { showZone } from "./zone.js";

const RECEIPT_SHOWN_S = 15;
const POLL_MS = 1000;
const REASONS = ["idle", "max-length", "end", "command", "button", "stop", "mode"];

const $ = (id) => document.getElementById(id);
const cards = new Cards($("visitors"));
let latest = null;
let facilitatorLanguage = null;

function aspect() {
  const img = $("stream");
  return img.naturalWidth && img.naturalHeight ? img.naturalWidth / img.naturalHeight : 16 / 9;
}

function followDisplay(display) {
  if (!display) return;
  if (facilitatorLanguage !== null && display.language !== facilitatorLanguage) {
    setLanguage(display.language);
  }
  facilitatorLanguage = display.language;
  const lesson = display.lesson;
  $("lesson").hidden = !lesson;
  if (lesson) {
    document.body.dataset.focus = lesson.focus;
    $("lesson-step").textContent = t("k.lesson", { number: lesson.number, count: lesson.count });
    $("lesson-title").textContent = t(`lesson.${lesson.step}.title`);
    $("lesson-caption").textContent = t(`lesson.${lesson.step}.caption`);
  } else {
    delete document.body.dataset.focus;
  }
}

function renderSession(state) {
  const s = state.session;
  const hasPeople = state.visitors.length > 0;
  $("countdown").hidden = !s.active;
  $("session-line").textContent = t("k.on_record", { number: s.number, visitors: s.visitors });
  const counting = s.wipe_in_s !== null && s.wipe_in_s !== undefined;
  let line = t("k.countdown_workshop");
  if (counting) {
    // Paused: the server holds the idle countdown; say that it waits, not that it runs.
    const key = s.paused ? "k.countdown_paused" : "k.countdown";
    line = t(key, { seconds: Math.ceil(s.wipe_in_s) });
  }
  $("countdown-line").textContent = line;
  const w = state.last_wipe;
  // The receipt stays its full time, beside whoever the next session shows.
  const showReceipt = Boolean(w) && w.seconds_ago < RECEIPT_SHOWN_S;
  $("receipt").hidden = !showReceipt;
  if (showReceipt) {
    $("receipt-counts").textContent = t("k.receipt", {
      visitors: w.visitors, encodings: w.encodings, sightings: w.sightings,
      positions: w.trajectory_points, hits: w.watchlist_hits,
    });
    const key = REASONS.includes(w.reason) ? `k.reason.${w.reason}` : "k.reason.other";
    $("receipt-reason").textContent = t("k.receipt_reason", { reason: t(key) });
  }
  $("idle").hidden = hasPeople || showReceipt;
  $("idle-workshop").hidden = !(s.mode === "workshop" && !s.active);
  // The red dot blinks only while the camera is analysed, like the recording light.
  document.body.classList.toggle("paused", Boolean(s.paused) || !s.recording);
}

function renderCars(state) {
  // The car in front of the camera first, then the most recently seen: those are shown.
  const recent = (p) => (p.in_view ? 1e9 : 0) + (p.last_seen_s ?? 0);
  const plates = [...(state.plates || [])].sort((a, b) => recent(b) - recent(a)).map(plateInfo);
  $("cars-none").hidden = plates.length > 0;
  const list = $("plates");
  list.replaceChildren(...plates.map((p) => {
    const li = el("li");
    const head = el("p", "value");
    const facts = [t("k.cars.place", p)];
    if (p.visitors.length) facts.push(t("k.cars.linked", { ids: p.visitors.join(", ") }));
    head.append(el("span", "plate", p.plate), ` ${facts.join(" · ")}`);
    li.append(head);
    if (p.entry) li.append(el("p", "value", t("k.cars.registry", { entry: p.entry })));
    return li;
  }));
  // As many cars as the panel holds at a readable size; the older rest are counted.
  const panel = $("cars");
  let hidden = 0;
  while (!fits(panel) && list.children.length > 1) { list.lastElementChild.remove(); hidden += 1; }
  if (hidden) list.append(el("li", "value more", t("k.cars.more", { count: hidden })));
  while (!fits(panel) && list.children.length > 2) {
    list.children[list.children.length - 2].remove();
    hidden += 1;
    list.lastElementChild.textContent = t("k.cars.more", { count: hidden });
  }
}

function renderScale(state) {
  $("scale-learned").textContent = t("k.scale.learned", {
    // Since this session started, not since Oko did: what this camera learned of this group.
    minutes: number(Math.ceil((state.session.started_s_ago || 0) / 60)),
    visitors: state.visitors.length,
    sightings: state.visitors.reduce((sum, v) => sum + v.sightings, 0),
    positions: state.visitors.reduce((sum, v) => sum + v.trajectory.length, 0),
  });
}

/** A camera as visitors may see it: a file source by its file name, not its full path. */
function sourceName(camera) {
  const name = String(camera ?? "");
  return name.startsWith("file:") ? name.slice(5).split(/[\\/]/).pop() : name;
}

function renderHealth(state) {
  const h = state.health;
  $("health").textContent = t("c.health", {
    camera: sourceName(h.camera), fps: number(h.fps), analysis_fps: number(h.analysis_fps, 1),
  });
  let problem = "";
  if (state.session.paused) problem = t("k.paused");
  else if (!h.camera_ok) problem = t("c.camera_lost");
  $("camera-state").textContent = problem;
}

function render(state) {
  latest = state;
  followDisplay(state.display);
  renderSession(state);
  renderCars(state); // first: the cards fit into what the cars leave of the column
  cards.render(state, aspect());
  renderScale(state);
  renderHealth(state);
  showZone(state.consent_zone);
  renderCity(state);
}

function lost() {
  $("camera-state").textContent = t("c.connection_lost");
}

async function poll() {
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    if (response.ok) render(await response.json());
  } catch (err) {
    lost();
  }
  setTimeout(poll, POLL_MS);
}

function listen() {
  if (!window.EventSource) return poll();
  const source = new EventSource("/events");
  source.onmessage = (event) => render(JSON.parse(event.data));
  source.onerror = lost; // EventSource reconnects by itself (retry: 2000)
}

for (const button of document.querySelectorAll("button[data-lang]")) {
  button.addEventListener("click", () => {
    setLanguage(button.dataset.lang);
    if (latest) render(latest);
  });
}
document.documentElement.dataset.ready = language();
listen();
