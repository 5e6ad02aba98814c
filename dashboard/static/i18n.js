// Both languages' strings come from the page (a JSON data block): no extra request.
"use strict";

export const STRINGS = JSON.parse(document.getElementById("oko-strings").textContent);
let current = document.documentElement.lang in STRINGS ? document.documentElement.lang : "en";

/** The language shown now ("en" or "sr"). */
export function language() {
  return current;
}

/** The text for `key` in the current language, `{placeholders}` filled from `values`. */
export function t(key, values = {}) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

/** A number as the current language writes it (8,000.5 / 8.000,5). */
export function number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const locale = current === "sr" ? "sr-Latn-RS" : "en-GB";
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(value);
}

/** Switch the page to `lang`: static texts, alt texts, the switch buttons, <html lang>. */
export function setLanguage(lang) {
  if (!(lang in STRINGS)) return;
  current = lang;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-alt]")) node.alt = t(node.dataset.i18nAlt);
  for (const node of document.querySelectorAll("[data-number]")) node.textContent = number(Number(node.dataset.number));
  for (const button of document.querySelectorAll("button[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  }
  if (document.body.dataset.titleKey) document.title = t(document.body.dataset.titleKey);
}

/** A new element with a class and text. */
export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}
