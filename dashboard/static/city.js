// The city in miniature on the visitor screen: with two or more cameras, a schematic map of
// their places, a live picture per camera, each visitor's route across them, and the marker's
// announcements ("V3 seen at Gazela"). With one camera the screen stays as it always was.
// Cameras are only ever shown by their place name: their ids (C1, C2…) look like car ids.
"use strict";

import { el, language, number, t } from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";
const MAP_W = 400;
const MAP_H = 240;
const PICTURE_EVERY_MS = 1000;
const MAX_ROUTES = 4;
const LABEL = 20; // map text size in map units at full zoom-out (the map is ~400 px wide)

const $ = (id) => document.getElementById(id);
let built = "";          // the camera set the map and pictures were built for
let selected = null;     // the camera in the big picture (null: the first)
let picturesAt = 0;
const pictures = new Map();

function svgEl(tag, attrs, cls, text) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (cls) node.setAttribute("class", cls);
  if (text !== undefined) node.textContent = text;
  return node;
}

const at = (camera) => [camera.map[0] * MAP_W, camera.map[1] * MAP_H];

/** A time of day `agoS` seconds before now, as the screen's language writes it. */
function clock(agoS) {
  if (agoS === null || agoS === undefined) return "";
  const locale = language() === "sr" ? "sr-Latn-RS" : "en-GB";
  return new Date(Date.now() - agoS * 1000).toLocaleTimeString(locale, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });
}

/** One line for a route: "Brankov most 14:03:10 → (5 s later) Gazela 14:03:15". */
export function routeLine(route) {
  return route.map((leg, i) => {
    const stop = `${leg.place} ${clock(leg.first_seen_ago_s)}`.trim();
    if (i === 0) return stop;
    const gap = leg.gap_s > 0 ? t("k.city.gap", { seconds: number(leg.gap_s) }) : t("k.city.together");
    return `(${gap}) ${stop}`;
  }).join(" → ");
}

function show(cameraId) {
  const first = built.split(",")[0];
  selected = cameraId || first;
  $("stream").src = selected !== first ? `/stream.mjpg?camera=${selected}` : "/stream.mjpg";
  for (const [id, p] of pictures) p.button.setAttribute("aria-pressed", String(id === selected));
}

function build(cameras) {
  const list = $("city-cameras");
  pictures.clear();
  list.replaceChildren(...cameras.map((c) => {
    const li = el("li");
    li.dataset.camera = c.id;
    const button = el("button", "city-camera");
    button.type = "button";
    const img = el("img");
    img.width = 160;
    img.height = 120;
    img.hidden = true;
    img.onload = () => { img.hidden = false; };
    img.onerror = () => { img.hidden = true; };
    const caption = el("span", "city-place");
    const state = el("span", "city-state");
    button.append(img, caption, state);
    button.addEventListener("click", () => show(c.id));
    li.append(button);
    pictures.set(c.id, { li, button, img, caption, state });
    return li;
  }));
  built = cameras.map((c) => c.id).join(",");
  frame(cameras);
  if (selected && !built.split(",").includes(selected)) show(null);
}

/** Zoom the map onto the places (rivers included), keeping its shape: a few places in one
 * district would otherwise sit in a clump in the middle of the city. */
function frame(cameras) {
  const xs = cameras.map((c) => at(c)[0]);
  const ys = cameras.map((c) => at(c)[1]);
  const pad = 70;
  let width = Math.max(Math.max(...xs) - Math.min(...xs) + 2 * pad, 200);
  let height = Math.max(Math.max(...ys) - Math.min(...ys) + 2 * pad, 120);
  if (width / height > MAP_W / MAP_H) height = width * MAP_H / MAP_W;
  else width = height * MAP_W / MAP_H;
  width = Math.min(width, MAP_W);
  height = Math.min(height, MAP_H);
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const x = Math.min(Math.max(cx - width / 2, 0), MAP_W - width);
  const y = Math.min(Math.max(cy - height / 2, 0), MAP_H - height);
  $("city-map").setAttribute("viewBox", [x, y, width, height].map((v) => v.toFixed(1)).join(" "));
  // Text and dots keep their size on screen whatever the zoom.
  $("city-map").style.setProperty("--zoom", (width / MAP_W).toFixed(3));
}

function drawPlaces(cameras, onRoute) {
  $("city-places").replaceChildren(...cameras.map((c) => {
    const [x, y] = at(c);
    const g = svgEl("g", { "data-camera": c.id }, c.ok ? "place" : "place offline");
    if (onRoute.has(c.id)) g.classList.add("visited");
    const zoom = Number($("city-map").style.getPropertyValue("--zoom")) || 1;
    g.append(svgEl("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: (9 * zoom).toFixed(1) }));
    const label = c.ok ? c.place : `${c.place} (${t("k.city.offline_short")})`;
    const anchor = x > MAP_W * 0.7 ? "end" : "start";
    const dx = (anchor === "end" ? -13 : 13) * zoom;
    // About 20 px on the kiosk, like every other text read from two metres.
    g.append(svgEl("text", { x: (x + dx).toFixed(1), y: (y - 11 * zoom).toFixed(1), "text-anchor": anchor,
      "font-size": (LABEL * zoom).toFixed(1) }, "", label));
    return g;
  }));
  $("city-map").setAttribute("aria-label", t("k.city.map_alt", {
    places: cameras.map((c) => (c.ok ? c.place : `${c.place} (${t("k.city.offline_short")})`)).join(", "),
  }));
}

function drawRoute(route, cameras) {
  const byId = new Map(cameras.map((c) => [c.id, c]));
  const stops = route.map((leg) => byId.get(leg.camera)).filter(Boolean);
  const parts = [];
  if (stops.length > 1) {
    const points = stops.map((c) => at(c).map((v) => v.toFixed(1)).join(",")).join(" ");
    parts.push(svgEl("polyline", { points }, "route-line"));
  }
  stops.forEach((c, i) => {
    const [x, y] = at(c);
    // Returning to a place: later numbers sit a little lower so they stay readable.
    const again = stops.slice(0, i).filter((s) => s.id === c.id).length;
    const zoom = Number($("city-map").style.getPropertyValue("--zoom")) || 1;
    parts.push(svgEl("text", { x: x.toFixed(1), y: (y + (30 + again * 20) * zoom).toFixed(1),
      "text-anchor": "middle", "font-size": (LABEL * zoom).toFixed(1) }, "route-stop", String(i + 1)));
  });
  $("city-route").replaceChildren(...parts);
}

function renderRoutes(state) {
  const travelled = state.visitors.filter((v) => (v.route || []).length > 1);
  const shown = travelled.slice(-MAX_ROUTES);
  $("city-routes").replaceChildren(...(shown.length
    ? shown.map((v) => {
      const li = el("li", "", t("k.city.route", { id: v.id, route: routeLine(v.route) }));
      li.dataset.visitor = v.id;
      if ((state.marked || []).includes(v.id)) li.classList.add("marked");
      return li;
    })
    : [el("li", "none", t("k.city.no_route"))]));
  $("city-scale").textContent = t("k.city.scale", { count: number(state.cameras.length) });
  // The map shows one route: a marked visitor's, else the longest of those in view.
  const marked = travelled.filter((v) => (state.marked || []).includes(v.id));
  const pool = marked.length ? marked : travelled.filter((v) => v.in_view).length
    ? travelled.filter((v) => v.in_view) : travelled;
  const focus = pool.reduce((best, v) => (!best || v.route.length > best.route.length ? v : best), null);
  return focus ? focus.route : [];
}

function renderPictures(cameras, paused) {
  const now = Date.now();
  const refresh = now - picturesAt >= PICTURE_EVERY_MS;
  if (refresh) picturesAt = now;
  const current = selected || cameras[0].id;
  for (const c of cameras) {
    const p = pictures.get(c.id);
    if (!p) continue;
    p.caption.textContent = c.place;
    p.state.textContent = c.ok ? "" : t("k.city.offline_short");
    p.li.classList.toggle("offline", !c.ok);
    p.img.alt = t("k.city.camera_alt", { place: c.place });
    p.button.setAttribute("aria-label", t("k.city.show", { place: c.place }));
    p.button.setAttribute("aria-pressed", String(c.id === current));
    if (refresh && c.ok) p.img.src = `/api/cameras/${c.id}.jpg?r=${now}`;
    if (!c.ok) p.img.hidden = true;
  }
  // The big picture's message is about the camera shown in it, not about the others.
  const big = cameras.find((c) => c.id === current);
  if (big && !paused) $("camera-state").textContent = big.ok ? "" : t("k.city.offline", { place: big.place });
}

function renderNews(state) {
  const news = state.announcements || [];
  const box = $("city-news");
  box.hidden = !news.length;
  if (news.length) {
    const last = news[news.length - 1];
    box.textContent = t("k.city.seen_at", { id: last.visitor, place: last.place });
  }
}

/** Render the city part of the visitor screen from an /api/state object. */
export function renderCity(state) {
  const cameras = state.cameras || [];
  const several = cameras.length > 1;
  document.body.classList.toggle("city-on", several);
  $("city").hidden = !several;
  renderNews(state);
  if (!several) return;
  const w = state.last_wipe;
  if (w && !$("receipt").hidden && w.places !== undefined) {
    // The receipt of a city session also counts the places and route legs it deleted.
    $("receipt-counts").textContent += ` · ${t("k.city.receipt", { places: w.places, legs: w.route_legs })}`;
  }
  const key = cameras.map((c) => c.id).join(",");
  if (key !== built) build(cameras);
  const route = renderRoutes(state);
  drawPlaces(cameras, new Set(route.map((leg) => leg.camera)));
  drawRoute(route, cameras);
  renderPictures(cameras, Boolean(state.session.paused));
}
