// Public goal tree: starts open to the second level, expands on click (GOAL-7).
(function () {
  "use strict";
  document.querySelectorAll("[data-public-tree]").forEach((table) => {
    const rows = Array.from(table.querySelectorAll("tr[data-id]"));
    const children = new Map();
    rows.forEach((row) => { const k = row.dataset.parent; if (!children.has(k)) children.set(k, []); children.get(k).push(row); });
    const hideDown = (id) => (children.get(id) || []).forEach((child) => { child.hidden = true; hideDown(child.dataset.id); const t = child.querySelector("button"); if (t) t.setAttribute("aria-expanded", "false"); });
    rows.forEach((row) => {
      if (Number(row.dataset.depth) > 2) row.hidden = true;
      if (!row.hasAttribute("data-has-children")) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "goal-toggle";
      button.textContent = "▸";
      button.setAttribute("aria-label", table.dataset.toggleLabel || "");
      button.setAttribute("aria-expanded", Number(row.dataset.depth) < 2 ? "true" : "false");
      row.querySelector("th").prepend(button);
      button.addEventListener("click", () => {
        const open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        if (open) (children.get(row.dataset.id) || []).forEach((child) => { child.hidden = false; });
        else hideDown(row.dataset.id);
      });
    });
  });
})();
