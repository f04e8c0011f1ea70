"use strict";
// Swagger UI for the open data API, served as a file (no inline script, for the
// Content-Security-Policy). The API is anonymous and read-only: no credentials, no CSRF token.

const swaggerSettings = {{ settings|safe }};

// Swagger UI's outline jumps from the title (h1) to the operation groups (h3) and the schemas
// (h4), and leaves the API's description outside any landmark: read the groups and the schemas
// as second-level headings and the description as a labelled region. Re-applied whenever
// Swagger UI re-renders.
const outline = () => {
  for (const heading of document.querySelectorAll("h3.opblock-tag, .models > h4")) {
    if (heading.getAttribute("aria-level") !== "2") heading.setAttribute("aria-level", "2");
  }
  const info = document.querySelector(".information-container");
  if (info && info.getAttribute("role") !== "region") {
    info.setAttribute("role", "region");
    info.setAttribute("aria-label", "About the API");
  }
};

const ui = SwaggerUIBundle({
  url: "{{ schema_url|escapejs }}",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  onComplete: outline,
  ...swaggerSettings,
});

new MutationObserver(outline).observe(document.getElementById("swagger-ui"), { childList: true, subtree: true });
