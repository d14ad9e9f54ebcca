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

function importJob(section) {
  // Follow a dataset import: ask for its status every second, and show the report once it has ended.
  const text = section.querySelector("[data-job-text]");
  const bar = section.querySelector("[data-job-progress]");

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) { return; }  // gone or signed out: the refresh link still works
      const status = await response.json();
      if (status.finished) { window.location.reload(); return; }
      text.textContent = status.text;
      bar.textContent = status.text;
      if (status.percent === null) { bar.removeAttribute("value"); } else { bar.value = status.percent; }
    } catch (error) {
      // Offline for a moment, or a sign-in page instead of JSON: try again below.
    }
    setTimeout(poll, 1000);
  }

  setTimeout(poll, 500);
}

function datasetForm(form) {
  // The mapping file belongs to a list of people only: show its field when that format is chosen.
  const select = form.querySelector("[data-format-select]");
  const mapping = form.querySelector("[data-mapping-field]");
  function update() { mapping.hidden = select.value !== "mapped-list"; }
  select.addEventListener("change", update);
  update();
}

function copyButton(button) {
  // A source's id, for a case file or the command line: copied in one tap. Hidden where there is no clipboard.
  if (!navigator.clipboard) { return; }
  button.hidden = false;
  const label = button.textContent;
  button.setAttribute("aria-label", `${label}: ${button.dataset.copy}`);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      button.textContent = "✓";
      setTimeout(() => { button.textContent = label; }, 1500);
    } catch (error) {
      // The browser refused (no permission): the id stays on the page to select by hand.
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach(copyButton);
  document.querySelectorAll("[data-event-form]").forEach(eventForm);
  document.querySelectorAll("[data-live-search]").forEach(liveSearch);
  document.querySelectorAll("[data-import-job]").forEach(importJob);
  document.querySelectorAll("[data-dataset-form]").forEach(datasetForm);
});
