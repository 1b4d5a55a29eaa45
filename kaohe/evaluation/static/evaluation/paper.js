// Paper ballot entry: Enter moves to the next target's line, keys are upper-cased,
// and the forced-distribution counts of the ballot being typed are shown live.
(function () {
    "use strict";
    var form = document.getElementById("paper-form");
    if (!form) { return; }
    var quota = JSON.parse(document.getElementById("paper-quota").textContent);
    var status = document.getElementById("paper-quota-status");
    var rows = Array.prototype.slice.call(form.querySelectorAll("input.paper-row"));

    function sectionOf(input) {
        var table = input.closest("table[data-section]");
        return table ? table.getAttribute("data-section") : null;
    }

    function update() {
        var messages = [];
        quota.forEach(function (section) {
            if (section.max === null && section.min === null) { return; }
            var excellent = {}, bottom = {};
            rows.forEach(function (input) {
                if (sectionOf(input) !== section.key || input.getAttribute("data-numeric")) { return; }
                input.value.toUpperCase().split("").forEach(function (key, column) {
                    if (section.excellent.indexOf(key) >= 0) { excellent[column] = (excellent[column] || 0) + 1; }
                    if (section.bottom.indexOf(key) >= 0) { bottom[column] = (bottom[column] || 0) + 1; }
                });
            });
            var columns = rows.length ? parseInt(rows[0].getAttribute("data-length"), 10) : 0;
            for (var column = 0; column < columns; column++) {
                var e = excellent[column] || 0, b = bottom[column] || 0;
                if (section.max !== null && e > section.max) {
                    messages.push(section.title + " " + (column + 1) + ": " + e + " > " + section.max);
                }
                if (section.min !== null && b < section.min) {
                    messages.push(section.title + " " + (column + 1) + ": " + b + " < " + section.min);
                }
            }
        });
        status.textContent = messages.length ? "⚠ " + messages.join("；") : "";
        status.className = messages.length ? "evaluation-bad" : "evaluation-muted";
    }

    rows.forEach(function (input, index) {
        input.addEventListener("input", function () {
            if (!input.getAttribute("data-numeric")) {
                var upper = input.value.toUpperCase();
                if (upper !== input.value) { input.value = upper; }
            }
            update();
        });
        input.addEventListener("keydown", function (event) {
            if (event.key === "Enter" && index < rows.length - 1) {
                event.preventDefault();
                rows[index + 1].focus();
            }
        });
    });
    var serial = form.querySelector('input[name="paper_serial"]');
    if (serial) {
        serial.focus();
        serial.addEventListener("keydown", function (event) {
            if (event.key === "Enter" && rows.length) { event.preventDefault(); rows[0].focus(); }
        });
    }
    update();
})();
