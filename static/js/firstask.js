// Behaviour that templates used to write inline, moved here so the Content Security Policy
// can forbid inline scripts and event handlers (script-src 'self').
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action='print']");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// Typing into a form counts as activity: the idle sign-out (30 minutes) must not throw away a
// long entry. While a POST form is being filled in, tell the server at most every 5 minutes.
const KEEPALIVE_EVERY_MS = 5 * 60 * 1000;
let lastKeepalive = Date.now();

document.addEventListener("input", (event) => {
  const url = document.body.dataset.keepaliveUrl;
  const form = event.target.closest("form[method='post']");
  if (!url || !form || Date.now() - lastKeepalive < KEEPALIVE_EVERY_MS) {
    return;
  }
  const token = form.querySelector("input[name='csrfmiddlewaretoken']");
  if (!token) {
    return;
  }
  lastKeepalive = Date.now();
  fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token.value },
  }).catch(() => {});
});
