// The evaluation form: live forced-distribution counts per indicator, the number rated,
// Delete/Backspace to clear a rating, and a warning before leaving with unsaved changes.
(function () {
    "use strict";
    // Signed in already, a slip's QR code (/ceping/#CODE) lands here with the code still in the address:
    // take it out of the address bar and the history (EVAL-9).
    if (/^#[0-9A-Za-z]{4}-/.test(window.location.hash)) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    var form = document.getElementById("ballot-form");
    if (!form) { return; }
    var dirty = false;
    var submitting = false;

    function bandOfNumber(input) {
        if (input.value === "") { return null; }
        var value = parseFloat(input.value);
        var from = input.getAttribute("data-excellent-from");
        var below = input.getAttribute("data-bottom-below");
        if (from !== null && value >= parseFloat(from)) { return "excellent"; }
        if (below !== null && value < parseFloat(below)) { return "bottom"; }
        return "middle";
    }

    function updateSection(section) {
        var max = section.getAttribute("data-max-excellent");
        var min = section.getAttribute("data-min-bottom");
        var counts = {};
        section.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
            var key = input.getAttribute("data-indicator");
            counts[key] = counts[key] || { excellent: 0, bottom: 0 };
            var band = input.getAttribute("data-band");
            if (band === "excellent" || band === "bottom") { counts[key][band] += 1; }
        });
        section.querySelectorAll("input.rate-number").forEach(function (input) {
            var key = input.getAttribute("data-indicator");
            counts[key] = counts[key] || { excellent: 0, bottom: 0 };
            var band = bandOfNumber(input);
            if (band === "excellent" || band === "bottom") { counts[key][band] += 1; }
        });
        section.querySelectorAll("[data-quota-indicator]").forEach(function (item) {
            var count = counts[item.getAttribute("data-quota-indicator")] || { excellent: 0, bottom: 0 };
            var excellent = item.querySelector("[data-quota-excellent]");
            var bottom = item.querySelector("[data-quota-bottom]");
            if (excellent && max !== null) {
                excellent.querySelector("b").textContent = count.excellent;
                excellent.className = "quota__item " + (count.excellent > parseInt(max, 10) ? "quota__item--bad" : "quota__item--ok");
            }
            if (bottom && min !== null) {
                bottom.querySelector("b").textContent = count.bottom;
                bottom.className = "quota__item " + (count.bottom < parseInt(min, 10) ? "quota__item--bad" : "quota__item--ok");
            }
        });
    }

    function updateCount() {
        var names = {};
        form.querySelectorAll("input[type=radio]:checked").forEach(function (input) { names[input.name] = true; });
        form.querySelectorAll("input.rate-number").forEach(function (input) { if (input.value !== "") { names[input.name] = true; } });
        var node = form.querySelector("[data-rated]");
        if (node) { node.textContent = Object.keys(names).length; }
    }

    // Too many “excellent” ratings are counted in the action bar too, since the quota box scrolls away on a
    // phone: one short line with the number of problems and a link to the first, never the whole list.
    function updateWarning() {
        var node = document.querySelector("[data-quota-warning]");
        if (!node) { return; }
        var breaches = form.querySelectorAll("[data-quota-excellent].quota__item--bad");
        node.hidden = breaches.length === 0;
        node.textContent = "";
        if (!breaches.length) { return; }
        var first = breaches[0].closest("[data-quota-indicator]");
        node.appendChild(document.createTextNode(
            node.getAttribute("data-text").replace("%(count)s", String(breaches.length)) + " "
        ));
        var link = document.createElement("a");
        link.href = "#" + first.id;
        link.textContent = node.getAttribute("data-link");
        link.addEventListener("click", function (event) {
            event.preventDefault();
            first.scrollIntoView({ block: "center" });
            first.focus({ preventScroll: true });
        });
        node.appendChild(link);
    }

    function updateAll() {
        form.querySelectorAll(".ballot-section").forEach(updateSection);
        updateCount();
        updateWarning();
    }

    form.addEventListener("change", function (event) {
        dirty = true;
        var section = event.target.closest(".ballot-section");
        if (section) { updateSection(section); }
        updateCount();
        updateWarning();
    });
    form.addEventListener("input", function (event) {
        if (event.target.matches("input.rate-number, textarea")) {
            dirty = true;
            var section = event.target.closest(".ballot-section");
            if (section) { updateSection(section); }
            updateCount();
            updateWarning();
        }
    });
    form.addEventListener("keydown", function (event) {
        if ((event.key === "Delete" || event.key === "Backspace") && event.target.matches("input[type=radio]")) {
            event.preventDefault();
            form.querySelectorAll('input[name="' + event.target.name + '"]').forEach(function (input) { input.checked = false; });
            dirty = true;
            updateAll();
        }
    });
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
        if (dirty && !submitting) {
            event.preventDefault();
            event.returnValue = "";
        }
    });
    var errors = document.getElementById("ballot-errors");
    if (errors) { errors.focus(); }
    updateAll();
})();
