// The inspectors' workspace (templates/admin/base_site.html). Django's autocomplete boxes
// (Select2) are named by the text of their current choice, so an empty one, as on every add
// page, has no accessible name (axe-core: aria-input-field-name). Each box, and the text
// inside it, is named by its field's label as well, as soon as Select2 draws it: Django sets
// the boxes up in a jQuery ready handler, which may run after the page's load event, and again
// in each inline row added later.
'use strict'

function nameAutocompleteBoxes () {
  for (const select of document.querySelectorAll('select.admin-autocomplete[id]')) {
    const box = select.nextElementSibling?.querySelector('.select2-selection[role="combobox"]')
    const label = document.querySelector(`label[for="${select.id}"]`)
    if (!box || !label || box.dataset.named) continue
    label.id ||= `${select.id}-label`
    box.setAttribute('aria-labelledby', `${label.id} ${box.getAttribute('aria-labelledby') || ''}`.trim())
    // The read-only text inside, which shows the choice, is named by the label too.
    box.querySelector('[role="textbox"]')?.setAttribute('aria-labelledby', label.id)
    box.dataset.named = 'yes'
  }
}

new MutationObserver(nameAutocompleteBoxes).observe(document.body, { childList: true, subtree: true })
nameAutocompleteBoxes()
