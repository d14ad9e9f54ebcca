// habeas: progressive enhancement only. Every page works without this file.
"use strict";

document.documentElement.classList.add("js");

function eventForm(form) {
  const kindSelect = form.querySelector("[data-kind-select]");
  const modes = form.querySelectorAll('input[name="mode"]');
  const retract = form.querySelector("[data-retract]");
  const core = form.querySelector("[data-event-core]");
  const sourceSelect = form.querySelector("[data-source-select]");
  const newSource = form.querySelector("[data-new-source]");

  function showOnly(element, visible) {
    element.hidden = !visible;
    element.querySelectorAll("input, select, textarea").forEach((input) => { input.disabled = !visible; });
  }

  function update() {
    const mode = form.querySelector('input[name="mode"]:checked');
    const correcting = mode && mode.value === "correction";
    form.querySelectorAll('[data-when-mode="correction"]').forEach((el) => showOnly(el, correcting));
    const withdrawing = correcting && retract && retract.checked;
    if (retract) { retract.disabled = !correcting; }
    if (core) { showOnly(core, !withdrawing); }
    if (!withdrawing) {
      form.querySelectorAll(".kind-fields").forEach((fieldset) => {
        showOnly(fieldset, fieldset.dataset.kind === kindSelect.value);
      });
    }
    if (newSource) { showOnly(newSource, sourceSelect.value === "new"); }
  }

  modes.forEach((radio) => radio.addEventListener("change", update));
  [kindSelect, retract, sourceSelect].forEach((el) => el && el.addEventListener("change", update));
  update();
}

function liveSearch(form) {
  const results = document.getElementById("results");
  const box = form.querySelector('input[name="q"]');
  let timer = null;
  let latest = 0;

  async function refresh() {
    const params = new URLSearchParams(new FormData(form));
    const shown = "?" + params.toString();
    params.set("fragment", "1");
    const ticket = ++latest;
    try {
      const response = await fetch("/people?" + params.toString(), { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok || ticket !== latest) { return; }
      // The server renders and escapes the fragment; nothing typed here is inserted as markup.
      results.innerHTML = await response.text();
      history.replaceState(null, "", "/people" + shown);
    } catch (error) {
      // Offline or signed out: the form still submits normally.
    }
  }

  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 200); });
  form.querySelectorAll("select").forEach((select) => select.addEventListener("change", () => form.requestSubmit()));
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-event-form]").forEach(eventForm);
  document.querySelectorAll("[data-live-search]").forEach(liveSearch);
});
