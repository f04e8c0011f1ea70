import { initAll } from '/static/govuk/govuk-frontend.min.js'

initAll()

// The list's filters (templates/public/recommendation_list.html) are a details element: closed
// on a phone, so the results come first; always open on a wider screen (CSS does it where the
// browser can style a details element's content; this does it everywhere else).
const wide = window.matchMedia('(min-width: 40.0625em)')
function openFiltersWhenWide () {
  for (const panel of document.querySelectorAll('details.app-filter-panel')) {
    if (wide.matches) panel.open = true
  }
}
openFiltersWhenWide()
wide.addEventListener('change', openFiltersWhenWide)
