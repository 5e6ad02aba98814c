// The facilitator page: sends its forms with fetch (JSON answers), and refreshes the console
// from /facilitator/api/status once a second. Without JavaScript the forms still work.
"use strict";

import { STRINGS, el, language, number, t } from "./i18n.js";

const REFRESH_MS = 1000;
const $ = (id) => document.getElementById(id);
const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";
let polling = null;
let changes = 0; // answered sends: a status asked for before the latest one may be stale
let shown = { visitors: "", watchlist: "", mode: null };

function show(message, isError) {
  const p = el("p", isError ? "error" : "", message);
  $("messages").replaceChildren(p);
}

async function send(form, submitter) {
  let response;
  try {
    // getAttribute: a control named "action" would shadow form.action.
    response = await fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form, submitter),
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch (err) {
    show(t("c.connection_lost"), true);
    return;
  }
  changes += 1;
  let data = {};
  try { data = await response.json(); } catch (err) { /* an empty or HTML answer */ }
  show(data.message || data.error || String(response.status), !response.ok);
  if (response.status === 401 && polling) stop();
  if (!response.ok) return;
  if (form.dataset.reload) { window.location.reload(); return; }
  if (form.id === "enrol") form.reset();
  refresh();
}

document.addEventListener("submit", (event) => {
  event.preventDefault();
  send(event.target, event.submitter);
});

function stop() {
  clearInterval(polling);
  polling = null;
}

function hiddenInput(name, value) {
  const input = el("input");
  input.type = "hidden";
  input.name = name;
  input.value = value;
  return input;
}

function renderRows(list, rows) {
  list.replaceChildren(...rows.map(([label, value]) => {
    const row = el("div");
    row.append(el("dt", "", label), el("dd", "", value));
    return row;
  }));
}

function renderSession(state) {
  const s = state.session;
  const doing = s.paused ? "f.session.paused" : s.recording ? "f.session.recording" : "f.session.not_recording";
  $("session-status").textContent = [t("f.session.number", { number: s.number }), t(doing),
    t(`f.mode.name.${s.mode}`)].join(" · ");
  $("pause").hidden = s.paused;
  $("resume").hidden = !s.paused;
  if (s.mode !== shown.mode) {
    for (const radio of document.querySelectorAll('input[name="mode"]')) radio.checked = radio.value === s.mode;
    shown.mode = s.mode;
  }
  const slider = $("tolerance");
  if (document.activeElement !== slider) {
    slider.value = state.recognition.tolerance;
    $("tolerance-value").textContent = number(Number(state.recognition.tolerance), 2);
  }
}

function renderVisitors(state) {
  const ids = state.visitors.map((v) => v.id);
  const key = `${state.session.number}:${ids.join(",")}`;
  if (key === shown.visitors) return;
  shown.visitors = key;
  const box = $("enrol-visitors");
  const checked = box.querySelector("input:checked")?.value;
  if (!ids.length) {
    box.replaceChildren(el("p", "hint", t("f.watchlist.nobody")));
    return;
  }
  box.replaceChildren(...ids.map((id) => {
    const label = el("label");
    const radio = el("input");
    radio.type = "radio";
    radio.name = "visitor_id";
    radio.value = id;
    radio.checked = id === checked;
    const img = el("img");
    img.alt = "";
    img.width = img.height = 64;
    // The session's picture token, not its number: pictures are served only with the token.
    img.src = `/api/visitors/${encodeURIComponent(id)}/thumbnail.jpg?session=${encodeURIComponent(state.session.token)}`;
    label.append(radio, img, ` ${id}`);
    return label;
  }));
}

function renderWatchlist(labels) {
  const key = JSON.stringify(labels);
  if (key === shown.watchlist) return;
  shown.watchlist = key;
  $("watchlist-empty").hidden = labels.length > 0;
  $("watchlist").replaceChildren(...labels.map((label) => {
    const li = el("li");
    const form = el("form");
    form.setAttribute("method", "post");
    form.setAttribute("action", "/facilitator/watchlist/remove");
    const button = el("button", "", t("f.watchlist.remove"));
    button.type = "submit";
    button.setAttribute("aria-label", t("f.watchlist.remove_label", { label }));
    form.append(hiddenInput("csrf_token", csrf()), hiddenInput("label", label), button);
    li.append(el("span", "", label), form);
    return li;
  }));
}

function renderLesson(lesson) {
  $("lesson-status").textContent = lesson
    ? t("f.lesson.step", { number: lesson.number, count: lesson.count, title: t(`lesson.${lesson.step}.title`) })
    : t("f.lesson.off");
  for (const button of document.querySelectorAll("button.step")) {
    button.setAttribute("aria-current", lesson && button.value === lesson.step ? "step" : "false");
  }
  // Next on the last step finishes the lesson: its label says so.
  const last = Boolean(lesson) && lesson.number === lesson.count;
  $("lesson-next").textContent = t(last ? "f.lesson.finish" : "f.lesson.next");
  $("lesson-detail").hidden = !lesson;
  if (!lesson) return;
  const base = `lesson.${lesson.step}`;
  $("lesson-caption").textContent = t(`${base}.caption`);
  const points = [];
  for (let i = 1; `${base}.point${i}` in STRINGS[language()]; i += 1) points.push(t(`${base}.point${i}`));
  $("lesson-points").replaceChildren(...points.map((text) => el("li", "", text)));
  $("lesson-try").textContent = t(`${base}.try`);
}

async function refresh() {
  const asked = changes;
  let response;
  try {
    response = await fetch("/facilitator/api/status", { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (err) {
    show(t("c.connection_lost"), true);
    return;
  }
  if (response.status === 401) {
    const data = await response.json().catch(() => ({}));
    show(data.error || t("f.err.expired"), true);
    stop();
    return;
  }
  if (!response.ok) return;
  const status = await response.json();
  if (asked !== changes) return; // would briefly undo what was just sent; send() asks again
  renderSession(status.state);
  renderVisitors(status.state);
  renderWatchlist(status.watchlist);
  renderLesson(status.state.display.lesson);
  renderRows($("health"), status.rows.health);
  renderRows($("stats"), status.rows.stats);
  // zone.js and marker.js follow the page's status from this one event.
  document.dispatchEvent(new CustomEvent("oko:status", { detail: status }));
}

const slider = $("tolerance");
if (slider) {
  slider.addEventListener("input", () => { $("tolerance-value").textContent = number(Number(slider.value), 2); });
  slider.addEventListener("change", () => send($("tolerance-form")));
}
if ($("stats")) {
  refresh();
  polling = setInterval(refresh, REFRESH_MS);
}
