// A slip's QR code opens /ceping/#CODE (EVAL-9). The fragment never leaves the browser, so the code
// reaches no server log or proxy; here it is taken out of the address bar and the history at once,
// then posted like a typed code.
(function () {
    "use strict";
    var hash = window.location.hash.replace(/^#/, "");
    if (!hash) {
        return;
    }
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    var code;
    try {
        code = decodeURIComponent(hash).trim();
    } catch (error) {
        return;
    }
    if (!/^[0-9A-Za-z][0-9A-Za-z\- ]{9,39}$/.test(code)) {
        return;
    }
    var form = document.getElementById("sign-in-form");
    var field = form && form.querySelector("input[name=code]");
    if (!field) {
        return;
    }
    field.value = code;
    form.submit();
})();
