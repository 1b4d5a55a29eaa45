// The goal tree screen (GOAL-3): expand and collapse, find, dialogs for the
// forms, moves and deletes. Every action is checked again on the server.
(function () {
  "use strict";
  const page = document.querySelector(".goals-tree-page");
  if (!page) return;
  const table = page.querySelector("[data-goal-tree]");
  const rows = Array.from(table.querySelectorAll("tr[data-id]"));
  const byParent = new Map();
  rows.forEach((row) => {
    const key = row.dataset.parent || "";
    if (!byParent.has(key)) byParent.set(key, []);
    byParent.get(key).push(row);
  });
  const planKey = "goals-open-" + page.dataset.plan;
  const csrf = page.querySelector("#goal-action-form [name=csrfmiddlewaretoken]").value;

  function descendants(id) {
    const found = [];
    const stack = [...(byParent.get(String(id)) || [])];
    while (stack.length) {
      const row = stack.pop();
      found.push(row);
      stack.push(...(byParent.get(row.dataset.id) || []));
    }
    return found;
  }
  function setOpen(row, open) {
    const toggle = row.querySelector("[data-toggle]");
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      (byParent.get(row.dataset.id) || []).forEach((child) => {
        child.hidden = false;
        if (child.querySelector("[data-toggle]")?.getAttribute("aria-expanded") === "true") setOpen(child, true);
      });
    } else {
      descendants(row.dataset.id).forEach((child) => { child.hidden = true; });
    }
  }
  function remember() {
    const open = rows.filter((r) => r.querySelector("[data-toggle]")?.getAttribute("aria-expanded") === "true").map((r) => r.dataset.id);
    sessionStorage.setItem(planKey, JSON.stringify(open));
  }
  // Restore what was open before a save reloaded the page.
  const saved = JSON.parse(sessionStorage.getItem(planKey) || "null");
  if (saved && !location.search.includes("depth=")) {
    rows.forEach((row) => { if (row.querySelector("[data-toggle]")) row.querySelector("[data-toggle]").setAttribute("aria-expanded", "false"); if (row.dataset.parent) row.hidden = true; });
    saved.forEach((id) => { const row = table.querySelector(`tr[data-id="${id}"]`); if (row && !row.hidden) setOpen(row, true); });
    // open ancestors in order: rows are in tree order
    rows.forEach((row) => { if (saved.includes(row.dataset.id) && !row.hidden) setOpen(row, true); });
  }
  if (location.hash) {
    const target = table.querySelector(location.hash);
    if (target) {
      let parent = target.dataset.parent;
      const chain = [];
      while (parent) { const row = table.querySelector(`tr[data-id="${parent}"]`); chain.unshift(row); parent = row.dataset.parent; }
      chain.forEach((row) => setOpen(row, true));
      target.classList.add("is-target");
      target.scrollIntoView({ block: "center" });
    }
  }
  table.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-toggle]");
    if (toggle) {
      const row = toggle.closest("tr");
      setOpen(row, toggle.getAttribute("aria-expanded") !== "true");
      remember();
    }
  });
  page.querySelectorAll("[data-depth-link]").forEach((link) => link.addEventListener("click", () => sessionStorage.removeItem(planKey)));

  // Find: show matching goals with their ancestors, highlight the match.
  const search = page.querySelector("[data-tree-search]");
  search?.addEventListener("input", () => {
    const term = search.value.trim();
    rows.forEach((row) => row.classList.remove("is-match"));
    if (!term) { rows.forEach((row) => { row.hidden = row.dataset.parent !== "" && row.dataset.depth > table.dataset.initialDepth; }); return; }
    rows.forEach((row) => { row.hidden = true; });
    rows.forEach((row) => {
      if (row.querySelector("[data-title]").textContent.includes(term)) {
        row.hidden = false;
        row.classList.add("is-match");
        let parent = row.dataset.parent;
        while (parent) { const up = table.querySelector(`tr[data-id="${parent}"]`); up.hidden = false; up.querySelector("[data-toggle]")?.setAttribute("aria-expanded", "true"); parent = up.dataset.parent; }
      }
    });
  });

  // Dialog forms: add, edit, decompose.
  const dialog = page.querySelector("#goal-dialog");
  const body = dialog.querySelector("[data-dialog-body]");
  async function openForm(url) {
    const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
    body.innerHTML = await response.text();
    wire(url);
    dialog.showModal();
    body.querySelector("[autofocus], input:not([type=hidden]), select")?.focus();
  }
  function toggleQuantitative() {
    const kind = body.querySelector("[name=kind]");
    if (!kind) return;
    body.querySelectorAll("[data-quantitative]").forEach((el) => { el.hidden = kind.value !== "quantitative"; });
  }
  function wire(url) {
    const form = body.querySelector("[data-goal-form]");
    if (!form) return;
    body.querySelector("[name=kind]")?.addEventListener("change", toggleQuantitative);
    toggleQuantitative();
    body.querySelectorAll("[data-dialog-close]").forEach((el) => el.addEventListener("click", (e) => { e.preventDefault(); dialog.close(); }));
    const add = form.querySelector("[data-formset-add]");
    add?.addEventListener("click", () => {
      const total = form.querySelector("[name$=TOTAL_FORMS]");
      const html = form.querySelector("[data-formset-template]").innerHTML.replace(/__prefix__/g, total.value);
      form.querySelector("[data-formset-rows]").insertAdjacentHTML("beforeend", html);
      total.value = Number(total.value) + 1;
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await fetch(form.action || url, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" } });
      if (response.ok) {
        const data = await response.json();
        remember();
        location.assign(data.url);
        location.reload();
      } else {
        body.innerHTML = await response.text();
        wire(url);
        body.querySelector(".help-critical, .error-message, [aria-invalid=true]")?.scrollIntoView({ block: "center" });
      }
    });
  }
  page.addEventListener("click", (event) => {
    const link = event.target.closest("[data-dialog-open]");
    if (link) { event.preventDefault(); openForm(link.href); }
  });

  // Moves and deletes post through one hidden form.
  async function post(url, fields) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    Object.entries(fields).forEach(([k, v]) => data.append(k, v));
    const response = await fetch(url, { method: "POST", body: data, headers: { "X-Requested-With": "fetch" } });
    const json = await response.json().catch(() => ({ ok: false, error: response.statusText }));
    return json;
  }
  const moveUrl = (id) => page.dataset.moveUrl.replace("/0/", `/${id}/`);
  const deleteUrl = (id) => page.dataset.deleteUrl.replace("/0/", `/${id}/`);
  table.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-step], button[data-delete], button[data-move]");
    if (!button) return;
    const row = button.closest("tr");
    const id = row.dataset.id;
    if (button.dataset.step) {
      const result = await post(moveUrl(id), { step: button.dataset.step });
      if (result.ok) { remember(); location.hash = "goal-" + id; location.reload(); }
    } else if (button.hasAttribute("data-delete")) {
      const question = page.querySelector("#bulk-form").dataset.confirmOne.replace("__name__", row.querySelector("[data-title]").textContent);
      if (!confirm(question)) return;
      const result = await post(deleteUrl(id), {});
      if (result.ok) { remember(); location.hash = ""; location.reload(); }
    } else {
      openMove(row);
    }
  });
  const moveDialog = page.querySelector("#move-dialog");
  let moving = null;
  function openMove(row) {
    moving = row;
    const banned = new Set([row.dataset.id, ...descendants(row.dataset.id).map((r) => r.dataset.id)]);
    moveDialog.querySelectorAll("[data-move-parent] option").forEach((option) => { option.disabled = banned.has(option.value); });
    moveDialog.querySelector("[data-move-parent]").value = row.dataset.parent;
    moveDialog.querySelector("[data-move-name]").textContent = row.querySelector("[data-title]").textContent;
    moveDialog.querySelector("[data-move-error]").hidden = true;
    moveDialog.showModal();
  }
  moveDialog.querySelector("[data-move-submit]").addEventListener("click", async (event) => {
    event.preventDefault();
    const position = moveDialog.querySelector("[data-move-position]").value;
    const result = await post(moveUrl(moving.dataset.id), {
      parent: moveDialog.querySelector("[data-move-parent]").value,
      position: position ? String(Number(position) - 1) : "",
    });
    if (result.ok) { remember(); location.hash = "goal-" + moving.dataset.id; location.reload(); }
    else { const error = moveDialog.querySelector("[data-move-error]"); error.textContent = result.error; error.hidden = false; }
  });

  // Bulk: count ticks, confirm deletes.
  const bulk = page.querySelector("#bulk-form");
  const count = bulk.querySelector("[data-selected-count]");
  bulk.addEventListener("change", (event) => {
    if (event.target.matches("[data-check-all]")) {
      bulk.querySelectorAll("input[name=goal]").forEach((box) => { if (!box.closest("tr").hidden) box.checked = event.target.checked; });
    }
    if (count) count.textContent = bulk.querySelectorAll("input[name=goal]:checked").length;
  });
  bulk.addEventListener("submit", (event) => {
    if (event.submitter?.value === "delete" && !confirm(bulk.dataset.confirmDelete)) event.preventDefault();
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => form.addEventListener("submit", (event) => { if (!confirm(form.dataset.confirm)) event.preventDefault(); }));
})();
