// The visitor screen: follows /events (server-sent events, once a second) and renders it.
// Read-only: the language buttons change only this screen; the facilitator's choice wins
// whenever the facilitator changes it.
"use strict";

import { Cards, plateInfo } from "./cards.js";
import { renderCity } from "./city.js";
import { el, language, number, setLanguage, t } from "./i18n.js";

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
  $("countdown-line").textContent = s.wipe_in_s !== null && s.wipe_in_s !== undefined
    ? t("k.countdown", { seconds: Math.ceil(s.wipe_in_s) })
    : t("k.countdown_workshop");
  const w = state.last_wipe;
  const showReceipt = Boolean(w) && !hasPeople && w.seconds_ago < RECEIPT_SHOWN_S;
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
  const plates = (state.plates || []).map(plateInfo);
  $("cars-none").hidden = plates.length > 0;
  $("plates").replaceChildren(...plates.slice(0, 3).map((p) => {
    const li = el("li");
    li.append(el("span", "plate", p.plate), el("p", "value", t("k.cars.place", p)));
    if (p.entry) li.append(el("p", "value", t("k.cars.registry", { entry: p.entry })));
    if (p.visitors.length) li.append(el("p", "value", t("k.cars.linked", { ids: p.visitors.join(", ") })));
    return li;
  }));
}

function renderScale(state) {
  $("scale-learned").textContent = t("k.scale.learned", {
    minutes: number(Math.ceil((state.health.uptime_s || 0) / 60)),
    visitors: state.visitors.length,
    sightings: state.visitors.reduce((sum, v) => sum + v.sightings, 0),
    positions: state.visitors.reduce((sum, v) => sum + v.trajectory.length, 0),
  });
}

function renderHealth(state) {
  const h = state.health;
  $("health").textContent = t("c.health", {
    camera: h.camera, fps: number(h.fps), analysis_fps: number(h.analysis_fps, 1),
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
  cards.render(state, aspect());
  renderCars(state);
  renderScale(state);
  renderHealth(state);
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
