// The marker form on the facilitator page: keeps its visitor list and the marked line up to
// date from the status facilitator.js fetches (the "oko:status" event). The form itself is
// sent by facilitator.js like every other form.
"use strict";

import { el, t } from "./i18n.js";

let shown = "";

document.addEventListener("oko:status", (event) => {
  const state = event.detail.state;
  const ids = state.visitors.map((v) => v.id);
  const key = `${state.session.number}:${ids.join(",")}`;
  if (key !== shown) {
    shown = key;
    const select = document.getElementById("marker-visitor");
    const chosen = select.value;
    select.replaceChildren(...ids.map((id) => {
      const option = el("option", "", id);
      option.value = id;
      option.selected = id === chosen;
      return option;
    }));
  }
  const marked = state.marked || [];
  document.getElementById("marked").textContent = marked.length ? marked.join(", ") : t("f.marker.none");
});
