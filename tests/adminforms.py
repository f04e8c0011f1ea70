"""Reading a real admin form from its page, so tests post what a browser would post."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.select = None
        self.select_multiple = False
        self.option_value = None
        self.option_selected = False
        self.option_text = ""
        self.textarea = None
        self.textarea_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag in {"input", "select", "textarea"} and "disabled" in attrs:
            return  # browsers do not submit disabled fields
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self.select, self.select_multiple = name, "multiple" in attrs
            self.data.setdefault(name, [])
        elif tag == "option" and self.select:
            self.option_value = attrs.get("value")
            self.option_selected = "selected" in attrs
            self.option_text = ""
        elif tag == "textarea" and name:
            self.textarea, self.textarea_text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.textarea_text += data
        elif self.option_value is None and self.select and self.inside:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self.select:
            if self.option_selected:
                self.data[self.select].append(self.option_value or "")
            self.option_value = None
        elif tag == "select" and self.select:
            self.select = None
        elif tag == "textarea" and self.textarea:
            # The HTML parser drops the newline that follows <textarea>, as browsers do.
            self.data.setdefault(self.textarea, []).append(self.textarea_text.removeprefix("\n"))
            self.textarea = None


def form_data(html, form_id):
    """The fields the form with ``form_id`` would submit, as {name: value or [values]}."""
    parser = _FormParser(form_id)
    parser.feed(html)
    if not parser.data:
        raise AssertionError(f"No form #{form_id} with fields on the page.")
    return {name: values[0] if len(values) == 1 else values for name, values in parser.data.items() if values}


def csrf_token(html):
    """The CSRF token of the first form on the page."""
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
