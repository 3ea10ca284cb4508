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
