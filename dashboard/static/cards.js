// The profile cards: one per visitor, updated in place every second from /events.
"use strict";

import { drawCompanions, drawPath, newDrawing } from "./drawings.js";
import { el, number, t } from "./i18n.js";

const THUMB_EVERY_MS = 3000;
const FACEPRINT_EVERY_MS = 5000;
const FOCUS_EVERY_MS = 8000; // with several people in view, the detailed card takes turns
const MAX_CARDS = 4;
const KEEP_EXPLAINED = 3; // explanations a crowded card keeps before it gives up drawings
const COLOURS = ["black", "white", "grey", "red", "orange", "yellow", "green", "teal", "blue",
  "purple", "pink", "brown"];

/** Whether `box` shows all its content (nothing cut off by its own height). */
export function fits(box) {
  return box.scrollHeight <= box.clientHeight + 1;
}

/** A fictional registry record as one sentence in the screen's language, or null. */
export function registrySentence(r) {
  if (!r || typeof r !== "object" || !r.owner) return null;
  const key = `k.vcolour.${String(r.colour ?? "").replace(/ /g, "_")}`;
  const colour = t(key) === key ? String(r.colour ?? "") : t(key);
  return t("k.cars.record", {
    colour, make: r.make ?? "", model: r.model ?? "", year: r.year ?? "", place: r.place ?? "–",
    owner: r.owner,
  });
}

/** What the plates entries of /api/state say, whatever names the plate reader gives them. */
export function plateInfo(p) {
  const words = (v) => {
    if (v === null || v === undefined || v === "") return null;
    if (typeof v !== "object") return String(v);
    const parts = Object.values(v).filter((x) => typeof x === "string" || typeof x === "number");
    return parts.length ? parts.join(" · ") : null;
  };
  const linked = p.visitors ?? p.linked_visitors ?? p.linked ?? [];
  return {
    plate: p.display ?? p.text ?? "?",
    place: words(p.place ?? p.district_name ?? p.district) ?? "–",
    // A sentence, never raw fields: no internal ids, colours and the notice translated.
    entry: registrySentence(p.registry),
    visitors: linked.map((x) => (typeof x === "object" && x !== null ? x.id ?? x.visitor_id : x)),
  };
}

/** The first `limit` of `texts` joined with `sep`, and "…and N more" for the rest. */
function some(texts, limit, sep, moreKey) {
  const shown = texts.slice(0, limit).join(sep);
  return texts.length > limit ? `${shown} ${t(moreKey, { count: texts.length - limit })}` : shown;
}

function item(name, titleKey, explainKey, wide = false) {
  const node = el("section", wide ? "item wide" : "item");
  node.dataset.item = name;
  const title = el("h4");
  const value = el("p", "value");
  const explain = el("p", "explain");
  node.append(title, value, explain);
  return { node, title, value, explain, titleKey, explainKey };
}

class Card {
  constructor(id) {
    this.id = id;
    this.node = el("li", "card");
    this.node.dataset.visitor = id;
    this.thumb = this.image("thumb", 96, 96);
    this.name = el("h3");
    this.presence = el("p", "presence");
    this.faceLabel = el("p", "item-label first-seen");
    this.firstSeen = el("p", "value first-seen");
    this.summary = el("p", "value summary");
    this.faceExplain = el("p", "explain");
    const text = el("div");
    const faceLine = el("div", "face-line");
    faceLine.append(this.faceLabel, this.firstSeen);
    text.append(this.name, this.presence, this.summary, faceLine, this.faceExplain);
    const head = el("div", "card-head");
    head.append(this.thumb, text);
    this.items = {
      faceprint: item("faceprint", "k.faceprint.title", "k.faceprint.explain", true),
      seen: item("seen", "k.seen.title", "k.seen.explain"),
      returning: item("returning", "k.returning.title", "k.returning.explain"),
      path: item("path", "k.path.title", "k.path.explain"),
      companions: item("companions", "k.companions.title", "k.companions.explain"),
      watchlist: item("watchlist", "k.watchlist.title", "k.watchlist.explain"),
      cues: item("cues", "k.cues.title", "k.cues.explain"),
      clothing: item("clothing", "k.clothing.title", "k.clothing.explain"),
      cars: item("cars", "k.cars.title", "k.cars.explain"),
    };
    this.print = this.image("faceprint", 192, 96);
    const printBox = el("div", "faceprint-box");
    printBox.append(this.print);
    this.items.faceprint.node.prepend(printBox);
    this.path = newDrawing();
    this.items.path.node.insertBefore(this.path, this.items.path.explain);
    this.graph = newDrawing();
    this.items.companions.node.insertBefore(this.graph, this.items.companions.value);
    this.swatch = el("span", "swatch");
    this.swatch.setAttribute("aria-hidden", "true");
    this.colourText = el("span");
    this.items.clothing.value.append(this.swatch, this.colourText);
    this.attention = el("p", "value");
    this.items.cues.node.insertBefore(this.attention, this.items.cues.explain);
    const grid = el("div", "items");
    grid.append(...Object.values(this.items).map((i) => i.node));
    this.node.append(head, grid);
    this.thumbAt = this.printAt = -Infinity;
  }

  image(cls, width, height) {
    const img = el("img", cls);
    img.width = width;
    img.height = height;
    img.hidden = true; // shown once a picture arrives; a 404 after a wipe hides it again
    img.onload = () => { img.hidden = false; };
    img.onerror = () => { img.hidden = true; };
    return img;
  }

  /** Refresh the card from visitor `v`; `ctx` holds the session, plates and clock. */
  update(v, ctx, detailed) {
    const id = v.id;
    this.node.classList.toggle("away", !v.in_view);
    this.node.classList.toggle("compact", !detailed);
    this.name.textContent = t("k.visitor", { id });
    this.presence.textContent = t(v.in_view ? "k.in_view" : "k.away");
    this.faceLabel.textContent = t("k.face.title");
    this.firstSeen.textContent = t("k.face.value", { seconds: number(v.first_seen_s) });
    this.faceExplain.textContent = t("k.face.explain");
    const seen = t("k.seen.value", { sightings: v.sightings, seconds: number(v.seconds_in_view) });
    this.summary.textContent = seen;
    this.thumb.alt = t("k.face.alt", { id });
    this.print.alt = t("k.faceprint.alt", { id });
    const base = `/api/visitors/${encodeURIComponent(id)}`;
    if (ctx.now - this.thumbAt > THUMB_EVERY_MS) {
      this.thumb.src = `${base}/thumbnail.jpg?session=${ctx.session}&r=${ctx.now}`;
      this.thumbAt = ctx.now;
    }
    if (detailed && ctx.now - this.printAt > FACEPRINT_EVERY_MS) {
      this.print.src = `${base}/faceprint.svg?session=${ctx.session}&r=${ctx.now}`;
      this.printAt = ctx.now;
    }
    for (const part of Object.values(this.items)) {
      part.title.textContent = t(part.titleKey);
      part.explain.textContent = t(part.explainKey);
    }
    const items = this.items;
    items.faceprint.value.textContent = t("k.faceprint.value");
    items.seen.value.textContent = seen;
    items.returning.value.textContent = t(v.returning ? "k.returning.yes" : "k.returning.no");
    drawPath(this.path, v.trajectory, ctx.aspect, t("k.path.alt", { id, points: v.trajectory.length }));
    const together = v.companions.map((c) => t("k.companions.item", { id: c.id, seconds: number(c.seconds) }));
    items.companions.value.textContent = together.length
      ? some(together, 3, " · ", "k.companions.more") : t("k.companions.none");
    drawCompanions(this.graph, id, v.companions,
      t("k.companions.alt", { id, list: together.join(", ") || t("k.companions.none") }));
    this.graph.toggleAttribute("hidden", !v.companions.length);
    const hit = v.watchlist;
    items.watchlist.node.classList.toggle("hit", Boolean(hit));
    items.watchlist.value.textContent = hit
      ? t("k.watchlist.hit", { label: hit.label, percent: Math.round(hit.similarity * 100) })
      : t("k.watchlist.none", { count: ctx.watchlistSize });
    this.updateCues(v);
    const colour = COLOURS.includes(v.clothing) ? v.clothing : null;
    items.clothing.node.hidden = !colour;
    this.swatch.className = colour ? `swatch swatch-${colour}` : "swatch";
    this.colourText.textContent = colour ? t("k.clothing.value", { colour: t(`k.colour.${colour}`) }) : "";
    const cars = ctx.plates.filter((p) => p.visitors.includes(id));
    items.cars.node.hidden = !cars.length;
    items.cars.value.textContent = some(cars.map((p) => t("k.cars.short", p)), 3, ", ", "k.cars.more");
  }

  updateCues(v) {
    const cues = this.items.cues;
    cues.node.hidden = !v.cues && (v.attention === null || v.attention === undefined);
    const now = [];
    if (v.cues) {
      now.push(t(v.cues.looking_at_camera ? "k.cues.looking" : "k.cues.away"));
      if (v.cues.smiling) now.push(t("k.cues.smiling"));
      if (v.cues.eyes_closed) now.push(t("k.cues.eyes_closed"));
    }
    cues.value.textContent = now.join(" · ");
    this.attention.textContent = v.attention === null || v.attention === undefined
      ? "" : t("k.cues.attention", { percent: Math.round(v.attention * 100) });
  }
}

/** All cards of the current session, in a list element. */
export class Cards {
  constructor(list) {
    this.list = list;
    this.cards = new Map();
    this.session = null;
  }

  render(state, aspect) {
    const now = Date.now();
    if (state.session.number !== this.session) {
      this.cards.forEach((card) => card.node.remove());
      this.cards.clear();
      this.session = state.session.number;
    }
    const ids = new Set(state.visitors.map((v) => v.id));
    for (const [id, card] of this.cards) {
      if (!ids.has(id)) { card.node.remove(); this.cards.delete(id); }
    }
    const inView = state.visitors.filter((v) => v.in_view);
    const pool = inView.length ? inView : state.visitors;
    const focus = pool.length ? pool[Math.floor(now / FOCUS_EVERY_MS) % pool.length].id : null;
    const rank = (v) => (v.id === focus ? 0 : v.in_view ? 1 : 2);
    const ordered = [...state.visitors].sort((a, b) => rank(a) - rank(b));
    const ctx = {
      now, aspect, session: encodeURIComponent(state.session.token), plates: (state.plates || []).map(plateInfo),
      watchlistSize: state.recognition.watchlist_size,
    };
    ordered.forEach((v, index) => {
      let card = this.cards.get(v.id);
      if (!card) { card = new Card(v.id); this.cards.set(v.id, card); }
      card.update(v, ctx, v.id === focus);
      if (index >= MAX_CARDS) { card.node.remove(); return; }
      if (this.list.children[index] !== card.node) {
        this.list.insertBefore(card.node, this.list.children[index] || null);
      }
    });
    this.fit(focus);
  }

  /**
   * Keep every card inside the column at a readable size: when the detailed card is too
   * tall, its items drop their explanations one by one (which ones go first changes every
   * few seconds, so each is shown in turn; the idle screen lists them and the lesson's
   * focus keeps its own), then its drawings go and explanations come back as far as they
   * fit, then the items least about the visitor, then chips of other visitors.
   */
  fit(focus) {
    const column = this.list.parentElement;
    const card = this.cards.get(focus);
    for (const c of this.cards.values()) {
      c.node.classList.remove("tight");
      Object.values(c.items).forEach((part) => part.node.classList.remove("brief", "dropped"));
    }
    if (!column || fits(column)) return;
    if (card) {
      // The explanations take turns: each period another item's is kept longest.
      const visible = Object.values(card.items).filter((part) => !part.node.hidden);
      const turn = Math.floor(Date.now() / FOCUS_EVERY_MS) % Math.max(visible.length, 1);
      const parts = [...visible.slice(turn), ...visible.slice(0, turn)].reverse();
      // First keep a few explanations and give up the drawings, then the rest if needed.
      const focused = (part) => part.node.dataset.item === document.body.dataset.focus;
      parts.forEach((part, index) => {
        if (fits(column) || index >= parts.length - KEEP_EXPLAINED || focused(part)) return;
        part.node.classList.add("brief");
      });
      if (fits(column)) return;
      card.node.classList.add("tight");
      for (const part of parts) {
        if (fits(column)) break;
        if (!focused(part)) part.node.classList.add("brief");
      }
      // Without drawings there may be room again: give explanations back while they fit.
      for (const part of [...parts].reverse()) {
        if (!part.node.classList.contains("brief")) continue;
        part.node.classList.remove("brief");
        if (!fits(column)) part.node.classList.add("brief");
      }
      // Still too tall: the items least about *you* go first, the lesson's focus last.
      const dropped = [];
      for (const name of ["path", "clothing", "cues", "cars", "seen", "faceprint", "companions"]) {
        if (fits(column)) break;
        if (document.body.dataset.focus === name) continue;
        card.items[name].node.classList.add("dropped");
        dropped.push(card.items[name].node);
      }
      // Items go by rows of the grid: take back those that fit in the row that emptied.
      for (const node of dropped.slice(0, -1).reverse()) {
        node.classList.remove("dropped");
        if (!fits(column)) node.classList.add("dropped");
      }
      if (fits(column)) return;
    }
    const chips = [...this.list.querySelectorAll("li.card.compact")];
    while (!fits(column) && chips.length) chips.pop().remove();
  }
}
