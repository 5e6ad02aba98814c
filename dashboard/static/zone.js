// The consent zone over the live picture: drawn faintly on the visitor screen, and on the
// facilitator page drawn and edited by dragging a rectangle (the typed edges work too).
"use strict";

import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/** Draw `zone` (the consent_zone of /api/state) on `svg`, which lies over `img`. */
export function drawZone(svg, img, zone) {
  // The viewBox is the picture's own size, and the SVG scales like the picture
  // (object-fit: contain ≙ xMidYMid meet), so the zone lands on the same pixels.
  const w = img.naturalWidth || 640;
  const h = img.naturalHeight || 480;
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  const points = zone.polygon.map(([x, y]) => [x * w, y * h]);
  svg.querySelector(".zone-edge").setAttribute("points", points.map((p) => p.join(",")).join(" "));
  svg.querySelector(".zone-outside").setAttribute(
    "d", `M0 0H${w}V${h}H0Z M${points.map((p) => p.join(" ")).join(" L")} Z`);
  svg.classList.toggle("off", !zone.enabled);
  svg.dataset.zone = JSON.stringify(zone.polygon);
}

/** The `[consent]` lines of the config file for `zone` (as dashboard/consent_zone.py). */
export function tomlLines(zone) {
  const corners = zone.polygon.map(([x, y]) => `[${x}, ${y}]`).join(", ");
  return `[consent]\nenabled = ${zone.enabled}\npolygon = [${corners}]\nmin_face_px = ${zone.min_face_px}`;
}

/** The visitor screen: the zone and its sentence, or the sentence that it is off. */
export function showZone(zone) {
  const svg = $("zone");
  const note = $("zone-note");
  if (!svg || !note || !zone) return;
  drawZone(svg, $("stream"), zone);
  svg.toggleAttribute("hidden", !zone.enabled); // SVG elements have no .hidden property
  const key = zone.enabled ? "k.zone.on" : "k.zone.off";
  note.dataset.i18n = key; // so a language switch re-reads the right sentence
  note.textContent = t(key);
  note.classList.toggle("off", !zone.enabled);
  note.hidden = false;
}

function editor() {
  const svg = $("zone-editor");
  const img = $("zone-stream");
  const form = $("zone-form");
  const draft = svg.querySelector(".zone-draft");
  let latest = null;
  let start = null;
  let typing = false;

  const point = (event) => {
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    const w = img.naturalWidth || 640;
    const h = img.naturalHeight || 480;
    return [Math.min(1, Math.max(0, p.x / w)), Math.min(1, Math.max(0, p.y / h))];
  };
  const edges = (a, b) => ({
    left: Math.min(a[0], b[0]), top: Math.min(a[1], b[1]),
    right: Math.max(a[0], b[0]), bottom: Math.max(a[1], b[1]),
  });
  const fill = (box) => {
    for (const [name, value] of Object.entries(box)) $(`zone-${name}`).value = (value * 100).toFixed(1);
  };

  svg.addEventListener("pointerdown", (event) => {
    start = point(event);
    svg.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  svg.addEventListener("pointermove", (event) => {
    if (!start) return;
    const box = edges(start, point(event));
    const w = img.naturalWidth || 640;
    const h = img.naturalHeight || 480;
    Object.entries({ x: box.left * w, y: box.top * h, width: (box.right - box.left) * w,
      height: (box.bottom - box.top) * h }).forEach(([k, v]) => draft.setAttribute(k, v));
    draft.removeAttribute("hidden");
    fill(box);
  });
  const finish = (event) => {
    if (!start) return;
    const box = edges(start, point(event));
    start = null;
    draft.setAttribute("hidden", "");
    if (box.right - box.left < 0.02 || box.bottom - box.top < 0.02) return; // a click
    fill(box);
    form.requestSubmit(); // facilitator.js sends it with the CSRF token and refreshes
  };
  svg.addEventListener("pointerup", finish);
  svg.addEventListener("pointercancel", () => { start = null; draft.setAttribute("hidden", ""); });
  form.addEventListener("focusin", () => { typing = true; });
  form.addEventListener("focusout", () => { typing = false; });
  // A still picture reloaded each second (not a second endless stream: a browser opens only
  // six connections to one server). The next one is asked for once this one has arrived.
  const reload = () => setTimeout(() => { img.src = `${img.src.split("?")[0]}?t=${Date.now()}`; }, 1000);
  img.addEventListener("load", () => { if (latest) drawZone(svg, img, latest); reload(); });
  img.addEventListener("error", reload);
  if (img.complete) reload();

  document.addEventListener("oko:status", (event) => {
    const zone = event.detail.state.consent_zone;
    if (!zone) return;
    latest = zone;
    drawZone(svg, img, zone);
    $("zone-status").textContent = t(zone.enabled ? "f.zone.status_on" : "f.zone.status_off");
    $("zone-off-form").hidden = !zone.enabled;
    $("zone-on-form").hidden = zone.enabled;
    if (!zone.enabled) $("zone-all-consented").checked = false; // asked afresh every time
    $("zone-toml").textContent = tomlLines(zone);
    if (!typing && !start) {
      const xs = zone.polygon.map((p) => p[0]);
      const ys = zone.polygon.map((p) => p[1]);
      fill({ left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) });
      $("zone-min-face").value = zone.min_face_px;
    }
  });
}

if (document.getElementById("zone-editor")) editor();
