// Live progress of an evaluation task: fetch the numbers every 10 seconds and update the table.
(function () {
    "use strict";
    var table = document.getElementById("progress-table");
    if (!table) { return; }
    var url = table.getAttribute("data-progress-url");

    function fill(row, data) {
        if (!row) { return; }
        Object.keys(data).forEach(function (field) {
            var cell = row.querySelector('[data-field="' + field + '"]');
            if (cell && cell.textContent !== String(data[field])) {
                cell.textContent = data[field];
            }
        });
    }

    function refresh() {
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
                if (!data) { return; }
                data.rows.forEach(function (row) {
                    fill(table.querySelector('tr[data-category="' + row.category_id + '"]'), row);
                });
                fill(table.querySelector('tr[data-category="0"]'), data.total);
                var state = document.querySelector("[data-progress-state]");
                var now = document.querySelector("[data-progress-now]");
                if (state) { state.textContent = data.state; }
                if (now) { now.textContent = data.now; }
            })
            .catch(function () { /* the next tick tries again */ });
    }

    window.setInterval(refresh, 10000);
})();
