// Marks the page as having JavaScript before it is drawn (GOV.UK Frontend's js-enabled class).
// A file of its own, not an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
